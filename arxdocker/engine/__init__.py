"""Questions for the Docker engine, asked through the docker SDK: image size, layers, versions."""
