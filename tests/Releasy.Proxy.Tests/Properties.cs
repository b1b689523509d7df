// Each test starts real processes; two at a time is what a two-core machine runs without starving probes.
[assembly: CollectionBehavior(MaxParallelThreads = 2)]
