"""The Streamlit app: chat with cited answers, ingest and sources pages."""
