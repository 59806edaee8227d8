"""The reading wing: everything that looks at a settings page in a browser and turns it into observations.

- `stage`: the observe stage (every page of the flows, bounded by the run's deadline, Ctrl-C and pace);
- `pages`: what a page turned out to be (settings, login wall, check, error) and when it has settled;
- `aria`, `snapshot`, `wording`: a page's accessibility snapshot, read without a browser;
- `readers`: what the snapshot cannot show (behind a button), read in the browser without changing it;
- `evidence`, `masks`: the page's inventory and its screenshot with the person masked.
"""
