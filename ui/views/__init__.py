"""The three pages of the app, run by st.navigation in ui/app.py."""
