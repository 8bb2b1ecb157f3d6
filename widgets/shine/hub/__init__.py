"""``shine.hub``: the programme on a JupyterHub, one server for a district or the state.

Participants log in through the hub and each gets their own JupyterLab, run as their own OS user,
with Voila as a server extension, so a module opens at ``/user/<name>/voila/render/modules/...``
with no code showing. The hub's database and the shine store live in PostgreSQL, and the idle
culler stops servers nobody uses.

- :mod:`~shine.hub.settings`: every setting, read from ``SHINE_HUB_*`` environment variables;
- :mod:`~shine.hub.roster`: who may log in, and their hub groups (``trainers``,
  ``district-<name>``, ``state``);
- :mod:`~shine.hub.config`: the JupyterHub configuration itself (``deploy/hub/jupyterhub_config.py``
  is two lines that call it);
- :mod:`~shine.hub.singleuser`: what each participant's server runs;
- :mod:`~shine.hub.zygote` (with :mod:`~shine.hub.spawner`): one warm process the servers and
  their kernels are forked from, each as its own person, so a room logging in at once does not
  wait for fifty Python start-ups;
- :mod:`~shine.hub.culler`: the idle culler, as the hub's service;
- :mod:`~shine.hub.courses`: nbgrader courses (groups, a formgrader service per course run as its
  grader account, the shared exchange, a gradebook database each; ``shine course init --hub``);
- :mod:`~shine.hub.rooms`: each workshop's kiosk, wall and console as a public hub service, and
  :mod:`~shine.hub.trainers`: trainers open a room's console with their hub login;
- :mod:`~shine.hub.dbroles`: scoped data: the roster's memberships in the store, a database role
  per person and PostgreSQL's row-level security (``shine hub sync-db``);
- :mod:`~shine.hub.demo` (with :mod:`~shine.hub.postgres`): ``shine hub demo``, a hub on this
  machine to try;
- :mod:`~shine.hub.cli`: ``shine hub ...``.
"""
