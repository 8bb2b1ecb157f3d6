"""The One-Year Action Plan: model, rules, charts, exports, the district's view, the builder
widgets and ``shine plan``."""
