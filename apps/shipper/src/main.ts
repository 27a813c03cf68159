console.log('shipper: not wired yet')
