"""Concurrency Lab's extension for the Jupyter server: kernel websockets without Nagle's delay.

Debian's jupyter_server 1.23 (and the classic Notebook 6 server) never call ``set_nodelay(True)`` on the
websocket between the browser and a kernel. Each cell's request and reply are small writes, so Nagle's
algorithm holds the next one back until the peer's delayed ACK comes: about 40 ms per cell on Linux,
whatever the kernel. This extension makes every kernel websocket send at once.

Enable it on the server's command line, with this directory (``src/main/python``) on ``PYTHONPATH``::

    PYTHONPATH=.../src/main/python jupyter server --ServerApp.jpserver_extensions conclab_server=True
    PYTHONPATH=.../src/main/python jupyterhub-singleuser --ServerApp.jpserver_extensions conclab_server=True
    PYTHONPATH=.../src/main/python jupyter notebook --NotebookApp.nbserver_extensions conclab_server=True

or, for servers started by someone else (JupyterHub's single-user servers), with a file in a directory of
``JUPYTER_CONFIG_PATH`` (e.g. /etc/jupyter), which jupyter_server merges with the other extensions' files:
``jupyter_server_config.d/conclab_server.json`` holding
``{"ServerApp": {"jpserver_extensions": {"conclab_server": true}}}`` (and, for Notebook 6,
``jupyter_notebook_config.d/conclab_server.json`` with ``{"NotebookApp": {"nbserver_extensions":
{"conclab_server": true}}}``), ``PYTHONPATH`` naming this directory in the server's environment.

It changes nothing else, and nothing on a server that already sets TCP_NODELAY.
"""

_PATCHED = "_conclab_nodelay"


def _jupyter_server_extension_points():
    return [{"module": "conclab_server"}]


def _load_jupyter_server_extension(serverapp):
    """jupyter_server's entry point (and the classic Notebook server's, under its older name)."""
    names = nodelay_kernel_websockets()
    serverapp.log.info("conclab_server: TCP_NODELAY on kernel websockets (%s)", ", ".join(names) or "already set")


load_jupyter_server_extension = _load_jupyter_server_extension


def _kernel_websocket_classes():
    """The handler classes that serve /api/kernels/ID/channels in the server running (its handler modules are
    imported before extensions load); failing that, in whichever servers are installed."""
    import sys
    found = []
    candidates = (("jupyter_server.services.kernels.handlers", "ZMQChannelsHandler"),   # 1.x
                  ("jupyter_server.services.kernels.websocket", "KernelWebsocketHandler"),   # 2.x
                  ("notebook.services.kernels.handlers", "ZMQChannelsHandler"))   # Notebook 6
    loaded = [(m, n) for m, n in candidates if m in sys.modules]
    for module, name in loaded or candidates:
        try:
            mod = __import__(module, fromlist=[name])
        except Exception:   # not installed, or a server of another generation
            continue
        cls = getattr(mod, name, None)
        if cls is not None:
            found.append(cls)
    return found


def nodelay_kernel_websockets():
    """Makes each kernel websocket handler set TCP_NODELAY as it opens; returns the classes changed."""
    changed = []
    for cls in _kernel_websocket_classes():
        if cls.__dict__.get(_PATCHED):
            continue
        opened = cls.open

        def open(self, *args, _opened=opened, **kwargs):
            self.set_nodelay(True)
            return _opened(self, *args, **kwargs)

        open.__doc__ = opened.__doc__
        cls.open = open
        setattr(cls, _PATCHED, True)
        changed.append(f"{cls.__module__}.{cls.__name__}")
    return changed
