"""The demo district (`praja demo`), at the top of the house next to the command line.

`district.build_demo()` draws on every app: territory (regions, boundaries, TPS, jurisdictions), accounts
(agencies, demo people), and the apps above them for their demo data (risk values, pools, the stage calendar
and operation, reports, fact-checks). Nothing below imports it.
"""
