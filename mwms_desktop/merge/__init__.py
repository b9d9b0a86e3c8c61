"""Merging two versions of the same data, with no knowledge of where they came from.

Bundles (``mwms_desktop/bundle``) call it now; sync with a team server will call it next.

* :mod:`rules` decides one record: the local version and the incoming one in, the merged
  version and whether it is a conflict out (version vectors, field by field).
* :mod:`history` orders a stage history by its causal chain and derives the stage from it.
* :mod:`tombstones` writes and removes the record of a deletion.
* :mod:`conflicts` keeps the conflicts list, lists and resolves it.
* :mod:`canonical` dumps engagement data without local ids, to compare two databases.
"""
