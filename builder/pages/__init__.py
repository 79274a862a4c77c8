"""The staff pages, one module per page (dashboard, gallery, editor/, publishing, access, submissions,
submission, counter, charts, resources, calendar, users, audit, banner, preview, sign_in).

routes.py is the route table: every path, its handler, and who may open it. guard.py is the one guard in
front of them all but an explicit list of public paths. frame.py draws what every page sits in;
components.py holds the small pieces several pages share; site.py is what every handler is given.
"""
