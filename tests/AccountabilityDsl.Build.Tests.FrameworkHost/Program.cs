using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Reflection;
using Microsoft.Build.Framework;

namespace AccountabilityDsl.Build.Tests.FrameworkHost;

/// <summary>
/// FrameworkHost.exe &lt;task folder&gt; [-p:Name=Value]… &lt;policy&gt; &lt;output file&gt; [&lt;policy&gt; &lt;output file&gt;]…
///
/// Loads &lt;task folder&gt;/AccountabilityDsl.Build.dll as .NET Framework MSBuild does (Assembly.LoadFrom,
/// its dependencies resolved from its own folder), runs GenerateOwnerPolicies once (TaskRun) and
/// prints JSON lines: the logged events, the output files, the result, the runtime and where each
/// assembly the run loaded came from. Exit code 0 when the task ran (whatever it returned), 2 when
/// it could not be loaded or threw.
/// </summary>
public static class Program
{
    public static int Main(string[] args)
    {
        if (args.Length < 3)
        {
            Console.Error.WriteLine("usage: FrameworkHost <task folder> [-p:Name=Value]... <policy> <output file> [<policy> <output file>]...");
            return 1;
        }

        string taskFolder = Path.GetFullPath(args[0]);
        var properties = args.Skip(1).Where(a => a.StartsWith("-p:", StringComparison.Ordinal))
            .Select(a => a.Substring(3).Split(new[] { '=' }, 2)).Select(p => (p[0], p.Length > 1 ? p[1] : "")).ToList();
        string[] files = args.Skip(1).Where(a => !a.StartsWith("-p:", StringComparison.Ordinal)).ToArray();
        var policies = new List<(string, string)>();
        for (int i = 0; i + 1 < files.Length; i += 2)
        {
            policies.Add((files[i], Path.GetFullPath(files[i + 1])));
        }

        // What MSBuild adds for a task's dependencies: the task's folder, and nothing else. (The
        // loader tries the application's folder and the LoadFrom context first; see docs/msbuild.md.)
        AppDomain.CurrentDomain.AssemblyResolve += (_, e) =>
        {
            string candidate = Path.Combine(taskFolder, new AssemblyName(e.Name).Name + ".dll");
            return File.Exists(candidate) ? Assembly.LoadFrom(candidate) : null;
        };

        try
        {
            Assembly assembly = Assembly.LoadFrom(Path.Combine(taskFolder, "AccountabilityDsl.Build.dll"));
            var task = (ITask)Activator.CreateInstance(assembly.GetType("AccountabilityDsl.Build.GenerateOwnerPolicies", throwOnError: true));
            foreach (string line in TaskRun.Execute(task, policies, properties))
            {
                Console.WriteLine(line);
            }
        }
        catch (Exception e)
        {
            Console.WriteLine(Json.Object(("kind", "exception"), ("message", e.ToString())));
            if (e is ReflectionTypeLoadException load)
            {
                foreach (Exception? loader in load.LoaderExceptions)
                {
                    Console.WriteLine(Json.Object(("kind", "exception"), ("message", loader?.ToString())));
                }
            }

            return 2;
        }
        finally
        {
            Type? mono = Type.GetType("Mono.Runtime");
            string? monoVersion = mono?.GetMethod("GetDisplayName", BindingFlags.NonPublic | BindingFlags.Static)?.Invoke(null, null) as string;
            Console.WriteLine(Json.Object(("kind", "runtime"), ("clr", Environment.Version.ToString()), ("mono", monoVersion)));
            foreach (Assembly loaded in AppDomain.CurrentDomain.GetAssemblies().OrderBy(a => a.GetName().Name, StringComparer.Ordinal))
            {
                AssemblyName name = loaded.GetName();
                Console.WriteLine(Json.Object(("kind", "assembly"), ("name", name.Name), ("version", name.Version?.ToString()),
                    ("location", loaded.IsDynamic ? null : loaded.Location)));
            }
        }

        return 0;
    }
}
