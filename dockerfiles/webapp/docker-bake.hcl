# Two targets that share the deps stage: bake builds it once.
variable "BASE_IMAGE" { default = "arxdocker/busybox:1" }
group "default" { targets = ["app", "test"] }
target "app" {
  dockerfile = "Dockerfile"
  target = "runtime"
  args = { BASE_IMAGE = BASE_IMAGE }
}
target "test" {
  dockerfile = "Dockerfile"
  target = "test"
  args = { BASE_IMAGE = BASE_IMAGE }
}
