// Concurrency Lab's JupyterLab 4 front end: the stock application shell with the stock plugins
// listed in extensions.json. build.js generates ./generated/plugins.js and ./generated/style.js
// from that list before webpack runs.
import { PageConfig } from '@jupyterlab/coreutils';

// Chunks and assets are served by jupyterlab_server under its static URL; set this before any
// other import so that lazily loaded chunks resolve there.
// eslint-disable-next-line no-undef
__webpack_public_path__ = PageConfig.getOption('fullStaticUrl') + '/';

async function main() {
  await import('./generated/style.js');
  const { JupyterLab } = await import('@jupyterlab/application');
  const { loadPlugins } = await import('./generated/plugins.js');

  const lab = new JupyterLab({ mimeExtensions: [] });
  lab.registerPlugins(await loadPlugins());

  // Handles for the tests: the application object and what this bundle was built from.
  window.jupyterapp = lab;
  window.conclabBuild = CONCLAB_BUILD; // eslint-disable-line no-undef

  await lab.start();
  await lab.restored;
  document.body.dataset.conclabReady = 'true';
  console.log(`conclab: JupyterLab ${lab.version} restored`);
}

window.addEventListener('load', () => {
  main().catch(err => {
    console.error('conclab: JupyterLab failed to start', err);
    document.body.dataset.conclabReady = 'failed';
  });
});
