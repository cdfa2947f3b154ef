using BenchmarkDotNet.Running;

using SmartMaintenance.Benchmarks.Load;

// `load ...` runs the HTTP load command; anything else goes to BenchmarkDotNet (e.g. --filter '*').
if (args.Length > 0 && args[0] == "load")
{
    return await LoadCommand.RunAsync(args[1..]);
}

BenchmarkSwitcher.FromAssembly(typeof(LoadCommand).Assembly).Run(args);
return 0;
