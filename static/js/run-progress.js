// Live progress of a matching run on the hub's Matching page. It polls the run's API resource
// (signed in by session) every second and moves the <progress> bar; when the run ends it reloads
// the page, which then shows the outcome. Without JavaScript the page has a Refresh link.
const panel = document.getElementById('active-run')

if (panel) {
  const bar = document.getElementById('run-progress')
  const text = document.getElementById('run-progress-text')
  const url = panel.dataset.runUrl

  const poll = async () => {
    try {
      const response = await fetch(url, { headers: { Accept: 'application/json' }, credentials: 'same-origin' })
      if (!response.ok) throw new Error(`HTTP ${response.status}`)
      const run = await response.json()
      bar.value = run.progress
      const percent = Math.round(run.progress * 100)
      bar.textContent = `${percent}%`
      text.textContent = `${percent}% done (${run.status}).`
      if (run.status === 'succeeded' || run.status === 'failed') {
        window.location.reload()
        return
      }
    } catch (error) {
      text.textContent = 'Could not check progress just now; trying again.'
    }
    window.setTimeout(poll, 1000)
  }
  window.setTimeout(poll, 1000)
}
