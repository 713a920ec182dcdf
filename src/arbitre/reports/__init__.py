"""Reports: chart specifications (one Vega-Lite spec for the web app, HTML and PDF) and documents."""
