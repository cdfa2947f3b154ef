using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace SmartMaintenance.BrowserTests;

/// <summary>
/// The product started as a user starts it, in a process of its own: the README's quick-start line read from the
/// README itself (its environment variables, its command, its <c>--urls</c>) with only the port changed to a free one,
/// plus a fresh <c>SMX_DATA_DIR</c> and free agent ports so it can run beside the other test hosts. Stopped (the whole
/// process tree) on dispose.
/// </summary>
public sealed partial class DocumentedStart : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _log = new();
    private readonly string _dataDir;

    private DocumentedStart(Process process, string dataDir, string baseUrl)
    {
        _process = process;
        _dataDir = dataDir;
        BaseUrl = baseUrl;
    }

    public string BaseUrl { get; }

    /// <summary>Everything the process wrote so far, for assertions and for a failing test's message.</summary>
    public string Log
    {
        get
        {
            lock (_log)
            {
                return _log.ToString();
            }
        }
    }

    /// <summary>The repository's root folder (where the README is), found upwards from the test assembly.</summary>
    public static string RepositoryRoot { get; } = FindRepositoryRoot();

    /// <summary>The README's quick-start command: its environment assignments and the command after them.</summary>
    public static (IReadOnlyDictionary<string, string> Environment, IReadOnlyList<string> Command) QuickStart()
    {
        var readme = File.ReadAllText(Path.Combine(RepositoryRoot, "README.md"));
        var section = readme[readme.IndexOf("## Quick start", StringComparison.Ordinal)..];
        var block = FencedBash().Match(section);
        Assert.True(block.Success, "README.md: no ```bash block under '## Quick start'");
        var line = block.Groups[1].Value.Split('\n').First(l => l.Contains("dotnet run", StringComparison.Ordinal));
        var words = line.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var environment = words.TakeWhile(w => Assignment().IsMatch(w)).Select(w => w.Split('=', 2)).ToDictionary(p => p[0], p => p[1]);
        return (environment, words.Skip(environment.Count).ToList());
    }

    /// <summary>
    /// Starts <paramref name="command"/> (its first word the program) in <paramref name="workingDirectory"/> with the
    /// quick start's environment, on a free port, and waits until <c>/health/ready</c> answers 200.
    /// </summary>
    public static async Task<DocumentedStart> StartAsync(IReadOnlyList<string> command, string workingDirectory,
        IReadOnlyDictionary<string, string> environment)
    {
        var port = BrowserHost.FreePort();
        var dataDir = Directory.CreateTempSubdirectory("smx-documented-").FullName;
        // The documented address with a free port instead of the README's 8080.
        var info = StartInfo([.. command.Select(word => Regex.Replace(word, @"^(https?://127\.0\.0\.1):\d+$", $"$1:{port}"))], workingDirectory);
        Assert.Contains($"http://127.0.0.1:{port}", info.ArgumentList);
        foreach (var (name, value) in environment)
        {
            info.Environment[name] = value;
        }

        info.Environment["SMX_DATA_DIR"] = dataDir;
        info.Environment["SMX_SILO_PORT"] = BrowserHost.FreePort().ToString(CultureInfo.InvariantCulture);
        info.Environment["SMX_GATEWAY_PORT"] = BrowserHost.FreePort().ToString(CultureInfo.InvariantCulture);

        var started = new DocumentedStart(Process.Start(info)!, dataDir, $"http://127.0.0.1:{port}");
        started._process.OutputDataReceived += (_, e) => started.Append(e.Data);
        started._process.ErrorDataReceived += (_, e) => started.Append(e.Data);
        started._process.BeginOutputReadLine();
        started._process.BeginErrorReadLine();
        await started.WaitUntilReadyAsync(TimeSpan.FromMinutes(4));
        return started;
    }

    /// <summary>Runs a command to its end (a publish, say) and fails the test with its output if it fails.</summary>
    public static async Task RunToEndAsync(string workingDirectory, params string[] command)
    {
        using var process = Process.Start(StartInfo(command, workingDirectory))!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        await process.WaitForExitAsync(timeout.Token);
        Assert.True(process.ExitCode == 0, $"{string.Join(' ', command)} exited with {process.ExitCode}:\n{await output}\n{await errors}");
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        await _process.WaitForExitAsync();
        _process.Dispose();
        try
        {
            Directory.Delete(_dataDir, recursive: true);
        }
        catch (IOException)
        {
            // A file the killed process still held; the OS temp cleaner takes it.
        }
    }

    private async Task WaitUntilReadyAsync(TimeSpan patience)
    {
        using var http = new HttpClient { BaseAddress = new Uri(BaseUrl), Timeout = TimeSpan.FromSeconds(5) };
        var deadline = DateTime.UtcNow + patience;
        while (DateTime.UtcNow < deadline)
        {
            Assert.False(_process.HasExited, $"the product exited with {(_process.HasExited ? _process.ExitCode : 0)} before it was ready:\n{Log}");
            try
            {
                if ((await http.GetAsync("/health/ready")).IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet (dotnet run builds first).
            }
            catch (TaskCanceledException)
            {
                // Listening but busy starting.
            }

            await Task.Delay(500);
        }

        Assert.Fail($"the product was not ready at {BaseUrl} within {patience}:\n{Log}");
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_log)
        {
            _log.AppendLine(line);
        }
    }

    private static string FindRepositoryRoot()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "SmartMaintenance.slnx")))
            {
                return folder.FullName;
            }
        }

        throw new InvalidOperationException($"No SmartMaintenance.slnx above {AppContext.BaseDirectory}");
    }

    /// <summary>A command's process with its output captured; no MSBuild or build server outlives a build it runs.</summary>
    private static ProcessStartInfo StartInfo(string[] command, string workingDirectory)
    {
        var info = new ProcessStartInfo(command[0])
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var word in command.Skip(1))
        {
            info.ArgumentList.Add(word);
        }

        info.Environment["MSBUILDDISABLENODEREUSE"] = "1";
        info.Environment["DOTNET_CLI_USE_MSBUILD_SERVER"] = "0";
        return info;
    }

    [GeneratedRegex("```bash\n(.*?)```", RegexOptions.Singleline)]
    private static partial Regex FencedBash();

    [GeneratedRegex("^[A-Z][A-Z0-9_]*=")]
    private static partial Regex Assignment();
}
