# arxdocker's own bake file: the examples in dockerfiles/ and arxdocker's image.
#
#   arxdocker bake                                   # the busybox examples (default group)
#   arxdocker bake debian                            # the Debian examples and arxdocker's image
#   arxdocker bake all --cache registry:127.0.0.1:5000/cache
#
# Everything builds offline against locally imported bases: BASE_IMAGE is made by
# scripts/engine.sh, PYTHON_IMAGE by scripts/make_debian_base.sh. CACHE_REF, when set, gives each
# target a registry cache of its own (arxdocker bake --cache registry:PREFIX does the same).

variable "BASE_IMAGE" { default = "arxdocker/busybox:1" }
variable "PYTHON_IMAGE" { default = "arxdocker/debian-python:12" }
variable "CACHE_REF" { default = "" }
variable "TAG" { default = "dev" }

function "cache_from" {
  params = [name]
  result = CACHE_REF == "" ? [] : ["type=registry,ref=${CACHE_REF}/${name}:cache"]
}

function "cache_to" {
  params = [name]
  result = CACHE_REF == "" ? [] : ["type=registry,ref=${CACHE_REF}/${name}:cache,mode=max,ignore-error=true"]
}

# Targets on the busybox base: they need nothing but scripts/engine.sh.
group "default" { targets = ["webapp", "webapp-test", "docsite"] }
# Targets on the Debian base with python3 (scripts/make_debian_base.sh first).
group "debian" { targets = ["pyapp", "reportgen", "arxdocker"] }
group "all" { targets = ["webapp", "webapp-test", "docsite", "pyapp", "reportgen", "arxdocker", "dev"] }

target "_busybox" {
  args = { BASE_IMAGE = BASE_IMAGE }
}

target "_debian" {
  args = { BASE_IMAGE = PYTHON_IMAGE, PYTHON_IMAGE = PYTHON_IMAGE }
}

target "webapp" {
  inherits = ["_busybox"]
  context = "dockerfiles/webapp"
  target = "runtime"
  tags = ["arxdocker/example-webapp:${TAG}"]
  cache-from = cache_from("webapp")
  cache-to = cache_to("webapp")
}

target "webapp-test" {
  inherits = ["_busybox"]
  context = "dockerfiles/webapp"
  target = "test"
  cache-from = cache_from("webapp-test")
  cache-to = cache_to("webapp-test")
}

target "docsite" {
  inherits = ["_busybox"]
  context = "dockerfiles/docsite"
  tags = ["arxdocker/example-docsite:${TAG}"]
  cache-from = cache_from("docsite")
  cache-to = cache_to("docsite")
}

target "pyapp" {
  inherits = ["_debian"]
  context = "dockerfiles/pyapp"
  tags = ["arxdocker/example-pyapp:${TAG}"]
  cache-from = cache_from("pyapp")
  cache-to = cache_to("pyapp")
}

target "reportgen" {
  inherits = ["_debian"]
  context = "dockerfiles/reportgen"
  tags = ["arxdocker/example-reportgen:${TAG}"]
  cache-from = cache_from("reportgen")
  cache-to = cache_to("reportgen")
}

target "arxdocker" {
  inherits = ["_debian"]
  context = "."
  dockerfile = "dockerfiles/arxdocker/Dockerfile"
  target = "runtime"
  tags = ["arxdocker/arxdocker:${TAG}"]
  cache-from = cache_from("arxdocker")
  cache-to = cache_to("arxdocker")
}

target "dev" {
  inherits = ["arxdocker"]
  target = "dev"
  tags = ["arxdocker/arxdocker:dev-tools"]
  cache-from = cache_from("dev")
  cache-to = cache_to("dev")
}
