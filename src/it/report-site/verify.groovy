import groovy.json.JsonSlurper

def lines = new File(basedir, "build.log").readLines()
def runs = new File(basedir, "target/exp/runs").listFiles().findAll { new File(it, "run.json").file }
    .collect { new JsonSlurper().parse(new File(it, "run.json")) }
assert runs.size() == 5 : "two runs and three trials: ${runs*.runId}"
def trials = runs.findAll { it.sweep != null }
assert trials*.params*.lr.sort() == [0.001, 0.003, 0.1]
def best = trials.max { it.metrics.val_acc }

// The Experiments page is in the site, linked from its menu.
def page = new File(basedir, "target/site/experiments.html")
assert page.file : "no experiments.html in " + new File(basedir, "target/site").list()
def html = page.getText("UTF-8")
def reports = new File(basedir, "target/site/project-reports.html").getText("UTF-8")
assert reports.contains('<a href="experiments.html">Experiments</a>') : "the Project Reports page lists it"
runs.each { assert html.contains(">${it.runId}<") : "run ${it.runId} is in the table" }
["v1.0-first", "v1.1-better"].each { assert html.contains(">${it}</text>") : "tag ${it} is on the timeline" }
assert html.contains("2 exp tag(s), oldest first, with the metrics of their annotations; the baseline is v1.1-better, its allowed regression shaded.")
assert html.contains(">baseline v1.1-better 0.925; allowed to 0.915</text>")
assert html.contains("<h3 id=\"sweep-${trials[0].sweep.sweepId}\">Sweep ${trials[0].sweep.sweepId}</h3>")
assert html.contains("3 trial(s) by val_acc (higher is better); the best is t03, run ${best.runId}: val_acc 0.95, params {lr=0.1}.")
assert html.count("class=\"chart sweep\"") == 2 : "parallel coordinates and the scatter of lr"
assert html.contains("class=\"chart\" role=\"img\"") : "the metric curves"
def part = html.substring(html.indexOf("<div class=\"exp-report\">"), html.lastIndexOf("</script>"))
assert !(part =~ /(?i)(src|href)\s*=\s*"(?!#)/).find() : "the report's part references nothing outside itself"

// exp:report's own page, attached and deployed byte for byte.
def index = new File(basedir, "target/exp/report/index.html")
def deployed = new File(basedir, "target/deploy-repo/it/exprun/report-site/1.0/report-site-1.0-exp-report.html")
assert deployed.file && deployed.bytes == index.bytes
assert lines.contains("[INFO] Attached index.html as exp-report (html)")
assert lines.contains("[INFO] Report: ${index} (5 run(s), 2 curve chart(s) of 5 run(s), 1 sweep(s), 2 exp tag(s))".toString())

def reportLine = lines.find { it.startsWith("[INFO] Report: the site's Experiments page (") }
assert reportLine == "[INFO] Report: the site's Experiments page (5 run(s), 2 curve chart(s) of 5 run(s), 1 sweep(s), 2 exp tag(s))" : reportLine
return true
