namespace System.Collections.Generic;

/// <summary>
/// netstandard2.0 stand-in for .NET 6's <c>PriorityQueue&lt;TElement, TPriority&gt;</c>, with
/// the members the overlap sweep uses (a binary min-heap). Like the real one it makes no promise
/// about the order of equal priorities; the sweep does not depend on it (it collects a set of
/// pairs and sorts them). net10.0 uses the real type.
/// </summary>
internal sealed class PriorityQueue<TElement, TPriority>(IComparer<TPriority> comparer)
{
    private readonly List<(TElement Element, TPriority Priority)> _heap = [];

    public int Count => _heap.Count;

    public void Enqueue(TElement element, TPriority priority)
    {
        _heap.Add((element, priority));
        for (int child = _heap.Count - 1; child > 0;)
        {
            int parent = (child - 1) / 2;
            if (comparer.Compare(_heap[child].Priority, _heap[parent].Priority) >= 0)
            {
                break;
            }

            (_heap[child], _heap[parent]) = (_heap[parent], _heap[child]);
            child = parent;
        }
    }

    public bool TryPeek(out TElement element, out TPriority priority)
    {
        if (_heap.Count == 0)
        {
            element = default!;
            priority = default!;
            return false;
        }

        (element, priority) = _heap[0];
        return true;
    }

    public TElement Dequeue()
    {
        if (_heap.Count == 0)
        {
            throw new InvalidOperationException("The queue is empty.");
        }

        TElement first = _heap[0].Element;
        int last = _heap.Count - 1;
        _heap[0] = _heap[last];
        _heap.RemoveAt(last);
        for (int parent = 0; ;)
        {
            int smallest = parent;
            for (int child = (2 * parent) + 1; child <= (2 * parent) + 2; child++)
            {
                if (child < _heap.Count && comparer.Compare(_heap[child].Priority, _heap[smallest].Priority) < 0)
                {
                    smallest = child;
                }
            }

            if (smallest == parent)
            {
                return first;
            }

            (_heap[parent], _heap[smallest]) = (_heap[smallest], _heap[parent]);
            parent = smallest;
        }
    }
}
