record -o /tmp/numasim-bad-record.trace --
