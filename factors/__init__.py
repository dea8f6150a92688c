"""Published data shipped with carbonacct (factor sets, vocabularies); see README.md here."""
