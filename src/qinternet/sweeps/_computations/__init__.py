"""Built-in sweep computations, one module each (``channel``, ``keyrate``, ``bounds``,
``repeater``); each module exposes ``COMPUTATION``."""
