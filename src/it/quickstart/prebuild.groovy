// The quickstart exactly as shipped in examples/quickstart (its train.py), in a git repository of its own.
def example = new File(basedir, "../../../examples/quickstart/train.py").canonicalFile
assert example.isFile() : "missing ${example}"
new File(basedir, "train.py").text = example.text
evaluate(new File(basedir, "../../../src/it/_shared/git-repo.groovy"))(basedir)
return true
