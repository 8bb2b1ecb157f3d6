"""A live session: the Voila server and its warm kernels, ``shine workshop``, and the kiosk, wall
and console pages."""
