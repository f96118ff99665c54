run --format xml
