// Starts GOV.UK Frontend. Loaded as a module from base templates, so there is no inline script
// (the site will run under a strict Content Security Policy). Browsers that can't run modules
// never run this file and get the no-JavaScript version of every component, which is exactly
// what GOV.UK's inline 'noModule' check decides.
import { initAll } from '../vendor/govuk-frontend/govuk-frontend.min.js'

document.body.classList.add('js-enabled', 'govuk-frontend-supported')
initAll()
