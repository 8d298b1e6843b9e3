using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;

namespace AccountabilityDsl.Serve.Tests.Infrastructure;

/// <summary>
/// The real <c>ownerc serve</c> as a child process (<c>dotnet ownerc.dll serve …</c>) on a free
/// loopback port (<c>--urls http://127.0.0.1:0</c>; the address is read from its log). Stopped
/// with SIGTERM, as a service manager stops it.
/// </summary>
public sealed partial class ServeProcess : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly StringBuilder _error = new();

    private ServeProcess(Process process) => _process = process;

    public Uri Address { get; private set; } = null!;

    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    /// <summary>What it wrote to standard error alone (also part of <see cref="Output"/>).</summary>
    public string ErrorOutput
    {
        get
        {
            lock (_output)
            {
                return _error.ToString();
            }
        }
    }

    public static ServeProcess Start(string workingDirectory, params string[] args)
    {
        string ownerc = Path.Combine(AppContext.BaseDirectory, "ownerc.dll");
        File.Exists(ownerc).ShouldBeTrue($"{ownerc} should be copied next to the tests by the project reference");
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(ownerc);
        start.ArgumentList.Add("serve");
        foreach (string arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["ContactGate__TimeZone"] = "UTC";
        var server = new ServeProcess(Process.Start(start)!);
        server._process.OutputDataReceived += (_, e) => server.Append(e.Data);
        server._process.ErrorDataReceived += (_, e) => server.Append(e.Data, toError: true);
        server._process.BeginOutputReadLine();
        server._process.BeginErrorReadLine();
        return server;
    }

    /// <summary>Waits until the server logs its address (or exits).</summary>
    public ServeProcess WaitUntilListening()
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            if (Listening().Match(Output) is { Success: true } match)
            {
                Address = new Uri(match.Groups[1].Value);
                return this;
            }

            if (_process.HasExited)
            {
                throw new InvalidOperationException($"ownerc serve exited with {_process.ExitCode}:\n{Output}");
            }

            Thread.Sleep(50);
        }

        throw new TimeoutException("ownerc serve did not start listening within 60 s:\n" + Output);
    }

    public HttpClient Client() => new() { BaseAddress = Address, Timeout = TimeSpan.FromSeconds(30) };

    /// <summary>Sends SIGTERM and returns the exit code.</summary>
    public int Terminate()
    {
        using (Process kill = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            kill.WaitForExit();
        }

        return WaitForExit();
    }

    public int WaitForExit()
    {
        if (!_process.WaitForExit(TimeSpan.FromSeconds(40)))
        {
            throw new TimeoutException("ownerc serve did not stop within 40 s:\n" + Output);
        }

        _process.WaitForExit();
        return _process.ExitCode;
    }

    private void Append(string? line, bool toError = false)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.Append(line).Append('\n');
            if (toError)
            {
                _error.Append(line).Append('\n');
            }
        }
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit();
        }

        _process.Dispose();
    }

    [GeneratedRegex(@"Now listening on: (http://127\.0\.0\.1:\d+)")]
    private static partial Regex Listening();
}
