"""Load and soak machinery for docs/reliability.md#l1, #l2 and the group-expiry check: many
exercises being played over HTTP (``games``) while hundreds of WebSockets record what reaches them
(``sockets``), on Uvicorn processes whose output is kept (``servers``), with the servers' memory,
their PostgreSQL connections and their logs sampled as it runs (``measure``); ``run`` puts one run
together and reports its figures."""
