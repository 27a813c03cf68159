console.log('ops-cli: not wired yet')
