"""The facilitator's kit: run-of-show agendas, guides, printable handouts, and the Mini Visit
tracker and board."""
