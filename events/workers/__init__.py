"""Where slow work runs so that the event loop and the web server never wait for it: an object in a
child process of its own (``child_process``) and threads a stopping process need not wait for
(``threads``). Used by the service and the publishers alike; imports only ``events.errors``.
"""
