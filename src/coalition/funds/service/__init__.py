"""Business rules of matching funds, one module per noun: ``initiatives``, ``pools``,
``commitments``, ``contributions`` (recording), ``verifications`` (which match),
``disbursements`` (scheduling, approving, paying tranches), ``cancellations`` (of
tranches) and ``reversals``.

Every function takes a session bound to the caller's tenant (the caller owns the
transaction) and the principal, checks permissions and validates input, raising
``InvalidInput`` with every problem of the input at once for anything the caller
can fix. Some checks can only be made after a guarded write (verification takes
the contribution before it can read the locked pool; a money mutation claims its
idempotency key first): the caller must roll back on ``InvalidInput``, as the
API's savepoint and the CLI do, and then nothing is kept. Money mutations take an
idempotency key (``funds.idempotency``: ``check_key`` then ``once``); on a replay
they return the first result and write nothing. Money moves only through
``ledger.post``.

Concurrency: verification locks the pool row (``SELECT ... FOR UPDATE``), so
matches on one pool are serialized and the caps and the pool's balance are read
and spent atomically. Status changes are conditional UPDATEs (``WHERE status =
...``), so two requests can never both verify, approve, pay or cancel the same
thing. Locks are always taken contribution or disbursement first, pool second.
"""
