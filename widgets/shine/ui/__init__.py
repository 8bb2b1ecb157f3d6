"""ipywidgets components, one per module file. Notebooks import what they show, e.g.
``from shine.ui.header import ModuleHeader``."""
