"""Streamlit pieces shared by the pages: the database handle, cached reads, filters, banners, downloads."""
