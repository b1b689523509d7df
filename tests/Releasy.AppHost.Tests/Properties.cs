// Each topology takes most of a two-core machine, and the process checks look at the whole machine: one at a time.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
