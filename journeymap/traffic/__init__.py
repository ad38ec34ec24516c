"""Traffic-weighted effort: what customers go through, expected and observed.

* :mod:`~journeymap.traffic.expected`: the journey as an absorbing Markov chain, solved
  exactly; expected hurdles, seconds, outcomes and where customers give up.
* :mod:`~journeymap.traffic.patience`: the ``patience:`` settings the model rests on.
* :mod:`~journeymap.traffic.simulate`: a seeded walk of the same rules, to check the
  exact figures and to generate sample logs.
* :mod:`~journeymap.traffic.logs`: contact logs (CSV/XES, Parquet, Amazon Connect
  flow logs, Twilio Studio steps) laid on the design.
* :mod:`~journeymap.traffic.audit`: one call for both, as the CLI and the gallery use.

Pure analysis over the run's graph: the reporters (:mod:`journeymap.reporters.effort`)
and the traffic view (:mod:`journeymap.diagram.traffic`) only show what it finds.
"""
