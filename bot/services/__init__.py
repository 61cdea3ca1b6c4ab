"""The app's services: changing events, subscriptions, reminder jobs, imports and statistics."""
