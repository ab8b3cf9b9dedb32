from auditor import hookimpl

x = 1
raise RuntimeError("plugin failed at import")
