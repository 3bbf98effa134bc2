"""Write side of analytics, by use-case group.

``store`` (points and rollups), ``imports``, ``pulls`` and ``tracking`` bring
metrics in; ``kpis``, ``reviews``, ``diagnosis`` and ``optimisation`` evaluate
(S2.3.3, S2.4). Import the module you need: ``from analytics.services import store``.
"""
