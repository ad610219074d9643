# Import batches hold person-level data of a post: they are not registered in the Django admin,
# like the casework models (the admin never reads casework).
