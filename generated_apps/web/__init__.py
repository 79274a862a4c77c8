"""The resident web side: routes, views, templates and static files; data only through the domain."""
