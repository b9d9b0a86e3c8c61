"""*View → Portfolio analytics*: charts (pyqtgraph, imported only when the view opens) with
the table of their numbers beside each, PNG and CSV export. The numbers come from
``mwms_desktop.analytics``; nothing here computes or queries."""
