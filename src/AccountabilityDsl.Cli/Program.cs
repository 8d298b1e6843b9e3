using System.Text;

namespace AccountabilityDsl.Cli;

internal static class Program
{
    public static int Main(string[] args)
    {
        // Output is UTF-8 whatever the console code page, buffered and flushed once: diagnostics
        // for many files are written in one go, and JSON/SARIF consumers read bytes, not glyphs.
        var stdout = new StreamWriter(Console.OpenStandardOutput(), new UTF8Encoding(encoderShouldEmitUTF8Identifier: false), bufferSize: 1 << 16);
        bool useColor = !Console.IsOutputRedirected
            && string.IsNullOrEmpty(Environment.GetEnvironmentVariable("NO_COLOR"))
            && Environment.GetEnvironmentVariable("TERM") != "dumb";
        int exitCode = CommandLine.Run(args, stdout, Console.Error, Environment.CurrentDirectory, useColor);
        try
        {
            stdout.Dispose();
        }
        catch (IOException)
        {
            // Whoever read the output stopped early (a closed pipe); the exit code still stands.
        }

        return exitCode;
    }
}
