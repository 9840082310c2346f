"""What funders and conveners see of matching funds, one module per report: a pool's
summary (``summaries``) and breakdowns (``breakdowns``), an initiative's funding across
pools (``initiatives``), and the investment-recognition ranking (``recognition``).

Money figures mean what ``ledger.balances_of`` says: committed = -COMMITMENTS,
matched = MATCHED + APPROVED + PAID, disbursed = APPROVED + PAID, paid = PAID.
"Contributed" is the sum of VERIFIED contributions (a reversed contribution is
REVERSED, so it no longer counts). A summary reads the pool's running totals
(its row) and one aggregate over its contributions, in one statement for any number
of pools (``pool_summaries``); breakdowns and initiative funding sum the ledger
entries themselves, so they add up to the summary.

Every function takes a session bound to the caller's tenant and filters every
query by ``principal.tenant_id``; another tenant's pool reads as missing.

Who sees what (``funds.permissions``): summaries, initiative funding and the
recognition ranking are aggregates, open to every funds reader. Breakdowns (any
kind: a slice can single out one employer) and ``summarize_pool`` (the head of the
funder report) are the pool's overseers' only: for anyone else the pool reads as
missing here (no rows, None), and the GraphQL fields refuse them with FORBIDDEN.
"""
