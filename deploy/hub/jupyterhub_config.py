"""JupyterHub for Time to Shine on one server (a district's or the state's).

Every setting comes from an environment variable (SHINE_DB_URL, SHINE_HUB_*: see
shine.hub.settings, or run `shine hub config --show`). Files *.py in SHINE_HUB_CONFIG_DIR
(default /etc/jupyterhub/jupyterhub_config.d) are read after this one, in name order: put a
district's authenticator, services and groups there, not here. This file is what
`shine hub config` prints; keep the two the same.
"""

from shine.hub.config import configure, extra_config_files

settings = configure(c)  # noqa: F821 (JupyterHub provides c)
for path in extra_config_files(settings):
    load_subconfig(str(path))  # noqa: F821 (and load_subconfig)
