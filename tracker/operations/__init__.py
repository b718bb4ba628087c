"""What operators run the service by: the health check and the metrics."""
