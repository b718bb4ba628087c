"""Evidence: uploads kept in the content-addressed store, downloads behind the permission check."""
