"""Files to entries: finding the layers and their files, reading untrusted YAML, checking it against the
schema, merging layers into one Catalogue of typed entries, writing entries (faq new/edit)."""
