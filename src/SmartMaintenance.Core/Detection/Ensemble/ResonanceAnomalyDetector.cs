using System.Numerics;

namespace SmartMaintenance.Detection.Ensemble;

/// <summary>
/// An anomaly detector on adaptive resonance, after Hampton's ARTime, written from its published description. The stream
/// is down-sampled so that the probationary period holds about 13 feature windows of 8 steps; each step keeps the
/// sample's mean or its extreme (a spike survives), normalised to the stream's range, discretised to 80 levels and
/// pulled to the running median when close to it. A window's features — its Haar wavelet coefficients and its values —
/// are clustered by a dual-vigilance fuzzy ART; a window no category resonates with starts a new cluster and, unless it
/// comes just after another anomaly and looks no worse, is an anomaly whose score says how far it lies below vigilance.
/// Vigilance is set from the probationary period and follows the stream's similarity trend after it.
/// </summary>
/// <remarks>
/// Everything is sized by the probationary period, not counted in rows: a file sampled twice as often is down-sampled
/// twice as much. Memory is one 32-value category per cluster the stream needed (fuzzy ART with fast commit); time per
/// value is one pass over the categories every down-sampling step. Not thread-safe: one instance per stream.
/// </remarks>
public sealed class ResonanceAnomalyDetector
{
    private const int Window = 8;
    private const int WindowsPerProbation = 13;
    private const int Levels = 80;
    private const double Chomp = 0.075;
    private const double InitialVigilance = 0.8;
    private const int Mask = Window * 3 / 2;
    private const int Features = 2 * Window;

    private readonly double _min;
    private readonly double _max;
    private readonly int _step;
    private readonly int _trendWindow;
    private readonly double[] _sample;
    private readonly int[] _levelCounts = new int[Levels + 1];
    private readonly double[] _values = new double[Window];
    private readonly List<double[]> _probation = [];
    private readonly double[] _features = new double[Features];
    private readonly Resonance _art;
    private readonly Ring _similarities;
    private readonly Ring _shortfalls;
    private long _row;
    private int _sampled;
    private double _movingAverage;
    private int _median;
    private int _belowMedian;
    private int _aboveMedian;
    private int _steps;
    private int _lastAnomaly;
    private double _lastAnomalySimilarity;
    private int _lastVigilanceUpdate;
    private bool _maskAfterCategory;
    private int _sinceNewCluster;
    private double _similaritySum;
    // The anomalies' similarities: only their mean and the latest are used.
    private double _anomalySimilaritySum;
    private int _anomalies;
    private double _latestAnomalySimilarity;

    /// <param name="min">The low end of the stream's range (NAB gives each detector its file's minimum).</param>
    /// <param name="max">The high end of the range.</param>
    /// <param name="probation">Rows the detector learns from before judging (NAB's probationary period).</param>
    /// <param name="maxCategories">
    /// The most categories kept; past it a new one replaces the one that has resonated least recently. Unbounded by
    /// default (as ARTime); the product bounds it so a sensor's state stays small over years.
    /// </param>
    public ResonanceAnomalyDetector(double min, double max, int probation, int maxCategories = int.MaxValue)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxCategories, 2);
        _min = min;
        _max = max;
        Probation = probation;
        _art = new Resonance(maxCategories);
        _step = StepOf(probation);
        _trendWindow = Math.Max(Window, (probation - (probation % 2)) / _step);
        _sample = new double[_step];
        _similarities = new Ring((_trendWindow / 2) + 1, 1.0);
        _shortfalls = new Ring(_trendWindow + 1, 0.0);
    }

    /// <summary>Rows after an anomaly during which another one is masked unless clearly worse: 12 down-sampling steps.</summary>
    public static int HoldOffRows(int probation) => Mask * StepOf(probation);

    /// <summary>Rows per down-sampling step: the probation (made even) holds 13 windows of 8 steps.</summary>
    private static int StepOf(int probation) => Math.Max(1, (probation - (probation % 2)) / (Window * WindowsPerProbation));

    /// <summary>Categories the stream has needed so far (at most the bound given).</summary>
    public int Categories => _art.Count;

    /// <summary>The probationary period the detector was given.</summary>
    public int Probation { get; }

    /// <summary>Bytes of state held for the stream now: its categories, its probation's windows while it learns, and its rings.</summary>
    public int StateBytes => 512 + (_art.Count * ((2 * Features * sizeof(double)) + 24)) + (_probation.Count * Features * sizeof(double))
        + ((_sample.Length + Window + _levelCounts.Length + _similarities.Length + _shortfalls.Length) * sizeof(double));

    /// <summary>Learns the value and returns its anomaly score in [0, 1] (0 on every row that is not an anomaly; non-finite values are ignored).</summary>
    public double Update(double value)
    {
        if (!double.IsFinite(value))
        {
            return 0;
        }

        _row++;
        _sample[_sampled] = value;
        _sampled = (_sampled + 1) % _step;
        return _row % _step == 0 ? Step(Downsampled()) : 0;
    }

    /// <summary>What the detector has learned so far, to be given back to <see cref="Restore"/> (after a restart, say).</summary>
    public ResonanceState Snapshot() => new(_min, _max, Probation, _art.MaxCategories,
        _row, _sampled, (double[])_sample.Clone(), _movingAverage, (int[])_levelCounts.Clone(), _median, _belowMedian, _aboveMedian,
        _steps, (double[])_values.Clone(), [.. _probation.Select(w => (double[])w.Clone())],
        _lastAnomaly, _lastAnomalySimilarity, _lastVigilanceUpdate, _maskAfterCategory, _sinceNewCluster, _similaritySum,
        _anomalySimilaritySum, _anomalies, _latestAnomalySimilarity,
        _similarities.Values, _similarities.Next, _shortfalls.Values, _shortfalls.Next,
        _art.Save());

    /// <summary>A detector that goes on from <paramref name="state"/>.</summary>
    public static ResonanceAnomalyDetector Restore(ResonanceState state)
    {
        var detector = new ResonanceAnomalyDetector(state.Min, state.Max, state.Probation, state.MaxCategories);
        if (state.Sample.Length != detector._sample.Length || state.LevelCounts.Length != detector._levelCounts.Length
            || state.Values.Length != Window || state.ProbationWindows.Any(w => w.Length != Features))
        {
            throw new ArgumentException("The saved state does not fit a detector of its own settings.", nameof(state));
        }

        state.Sample.CopyTo(detector._sample, 0);
        state.LevelCounts.CopyTo(detector._levelCounts, 0);
        state.Values.CopyTo(detector._values, 0);
        detector._probation.AddRange(state.ProbationWindows.Select(w => (double[])w.Clone()));
        detector._similarities.Load(state.Similarities, state.SimilaritiesNext);
        detector._shortfalls.Load(state.Shortfalls, state.ShortfallsNext);
        detector._art.Load(state.Categories);
        (detector._row, detector._sampled, detector._movingAverage, detector._median, detector._belowMedian, detector._aboveMedian, detector._steps) =
            (state.Row, state.Sampled, state.MovingAverage, state.Median, state.BelowMedian, state.AboveMedian, state.Steps);
        (detector._lastAnomaly, detector._lastAnomalySimilarity, detector._lastVigilanceUpdate, detector._maskAfterCategory, detector._sinceNewCluster) =
            (state.LastAnomaly, state.LastAnomalySimilarity, state.LastVigilanceUpdate, state.MaskAfterCategory, state.SinceNewCluster);
        (detector._similaritySum, detector._anomalySimilaritySum, detector._anomalies, detector._latestAnomalySimilarity) =
            (state.SimilaritySum, state.AnomalySimilaritySum, state.Anomalies, state.LatestAnomalySimilarity);
        return detector;
    }

    private double Downsampled()
    {
        double sum = 0, max = double.MinValue, min = double.MaxValue;
        foreach (var v in _sample)
        {
            sum += v;
            max = Math.Max(max, v);
            min = Math.Min(min, v);
        }

        var mean = sum / _sample.Length;
        _movingAverage = _steps == 0 ? mean : (_movingAverage + mean) / 2;
        // The extreme on the side farther from the moving average survives, unless it is within 10 % of the mean.
        var value = Math.Abs(max - _movingAverage) < Math.Abs(min - _movingAverage) ? min : max;
        if (Math.Abs(value - mean) < 0.1 * mean)
        {
            value = mean;
        }

        value -= _min;
        if (_max != _min)
        {
            value /= _max - _min;
        }

        var level = Math.Clamp((int)Math.Round(value * Levels, MidpointRounding.ToEven), 0, Levels);
        value = level / (double)Levels;
        TrackMedian(level);
        var median = _median / (double)Levels;
        return Math.Abs(value - median) < Chomp ? median : value;
    }

    /// <summary>An approximate running median of the levels, moved one occupied level at a time.</summary>
    private void TrackMedian(int level)
    {
        _levelCounts[level]++;
        var position = (_steps + 1) / 2;
        if (_steps == 0)
        {
            _median = level;
        }

        if (_median > level)
        {
            _belowMedian++;
        }
        else if (_median < level)
        {
            _aboveMedian++;
        }

        if (position < _aboveMedian)
        {
            _belowMedian += _levelCounts[_median];
            do
            {
                _median++;
            }
            while (_levelCounts[_median] == 0);

            _aboveMedian -= _levelCounts[_median];
        }
        else if (position < _belowMedian)
        {
            _aboveMedian += _levelCounts[_median];
            do
            {
                _median--;
            }
            while (_levelCounts[_median] == 0);

            _belowMedian -= _levelCounts[_median];
        }
    }

    private double Step(double value)
    {
        _steps++;
        Array.Copy(_values, 1, _values, 0, Window - 1);
        _values[^1] = value;
        // The probationary windows are kept for the first vigilance; after them one buffer serves every step.
        var features = _steps <= _trendWindow ? new double[Features] : _features;
        if (_steps >= Window)
        {
            WaveletFeatures(_values, features);
            _values.CopyTo(features, Window);
        }

        if (_steps < _trendWindow)
        {
            _probation.Add(features);
            return 0;
        }

        if (_steps == _trendWindow)
        {
            // The probationary windows set the first vigilance, then are learned in order; none is judged.
            _probation.Add(features);
            var vigilance = InitialVigilanceOf(_probation.GetRange(Window - 1, _trendWindow - Window + 1));
            _art.SetVigilance(vigilance, vigilance);
            for (var i = 0; i < _probation.Count; i++)
            {
                Detect(_probation[i], i + 1);
            }

            _probation.Clear();
            return 0;
        }

        return Detect(features, _steps);
    }

    private static void WaveletFeatures(double[] window, double[] features)
    {
        Span<double> scaled = stackalloc double[Window];
        window.CopyTo(scaled);
        ScaleToUnit(scaled);

        // A full Haar transform: [approximation, coarsest detail, …, finest details].
        Span<double> work = stackalloc double[Window];
        scaled.CopyTo(work);
        var output = features.AsSpan(0, Window);
        for (var length = Window; length > 1; length /= 2)
        {
            var half = length / 2;
            for (var k = 0; k < half; k++)
            {
                output[half + k] = (work[(2 * k) + 1] - work[2 * k]) / Math.Sqrt(2);
                scaled[k] = (work[2 * k] + work[(2 * k) + 1]) / Math.Sqrt(2);
            }

            scaled[..half].CopyTo(work);
        }

        output[0] = work[0];
        ScaleToUnit(output);
    }

    /// <summary>Min-max scales the values onto [0, 1] (only shifted to 0 when they are all equal).</summary>
    private static void ScaleToUnit(Span<double> values)
    {
        double min = double.MaxValue, max = double.MinValue;
        foreach (var v in values)
        {
            (min, max) = (Math.Min(min, v), Math.Max(max, v));
        }

        for (var i = 0; i < values.Length; i++)
        {
            values[i] -= min;
            if (max - min != 0)
            {
                values[i] /= max - min;
            }
        }
    }

    private double Detect(double[] features, int i)
    {
        var updateAfterAnomaly = i - _lastAnomaly == Mask;
        var updateForTrend = i - _lastVigilanceUpdate >= _trendWindow / 2;
        var maskAfterAnomaly = i - _lastAnomaly <= Mask;
        if (i > _trendWindow + Mask && _maskAfterCategory && _sinceNewCluster >= Mask)
        {
            _maskAfterCategory = false;
        }

        // Windows before the first full one are seen but not learned (and count as new).
        var learning = i >= Window;
        var label = _art.Train(features, learning);
        var newCluster = !learning || label < 0;
        _sinceNewCluster = newCluster ? 0 : _sinceNewCluster + 1;
        var similarity = _art.Similarity;
        _similaritySum += similarity;
        _similarities.Push(similarity);
        _shortfalls.Push(_art.UpperVigilance - similarity);
        if (i - _lastAnomaly < Mask && _anomalies > 0 && similarity < _latestAnomalySimilarity)
        {
            // The lowest similarity seen while the latest anomaly's mask lasts stands for it.
            _anomalySimilaritySum += similarity - _latestAnomalySimilarity;
            _latestAnomalySimilarity = similarity;
        }

        var masking = _maskAfterCategory || maskAfterAnomaly;
        var belowLast = similarity < _lastAnomalySimilarity * (maskAfterAnomaly ? 0.90 : 0.70);
        var score = 0.0;
        if (i > _trendWindow && newCluster && (!masking || belowLast))
        {
            score = Confidence(similarity, _art.EnergySimilarity);
            (_anomalySimilaritySum, _anomalies, _latestAnomalySimilarity) = (_anomalySimilaritySum + similarity, _anomalies + 1, similarity);
            _lastAnomalySimilarity = similarity;
            _lastAnomaly = i;
        }

        _maskAfterCategory |= newCluster;
        if (i > _trendWindow && (updateAfterAnomaly || updateForTrend))
        {
            FollowTrend(i);
        }

        return score;
    }

    /// <summary>Vigilance follows the stream: the upper bound is the mean similarity, the lower one moves toward the trend's worst.</summary>
    private void FollowTrend(int i)
    {
        var upper = Math.Min(0.97, _similaritySum / i);
        var previous = _art.LowerVigilance;
        var worst = _similarities.Min();
        double lower;
        if (previous <= worst)
        {
            lower = previous + ((worst - previous) * 0.19);
        }
        else
        {
            var decrease = 0.0;
            if (i > _trendWindow * 2)
            {
                decrease = _shortfalls.MeanOfAbove(0.05, cap: 0.37);
            }

            lower = previous - (Math.Max(0.01, decrease) / 2);
            if (_anomalies > 0)
            {
                lower = Math.Max(_anomalySimilaritySum / _anomalies, lower);
            }
        }

        _art.SetVigilance(Math.Min(upper, lower), upper);
        _lastVigilanceUpdate = i;
        _maskAfterCategory = true;
    }

    private double Confidence(double similarity, double energySimilarity)
    {
        similarity = Math.Min(0.999, similarity);
        var upper = ((1 - similarity) - (1 - _art.UpperVigilance)) / (1 - similarity);
        var lower = ((1 - similarity) - (1 - _art.LowerVigilance)) / (1 - similarity);
        var score = (upper * 0.35) + (lower * 0.65) + ((1.0 - energySimilarity) * 1.5);
        return Math.Round(Math.Min(1.0, score), 6);
    }

    /// <summary>
    /// The vigilance at which the probationary windows, least typical first, resonate with what came before: the mean
    /// best similarity over the second half of them, under a fresh ART at the initial vigilance.
    /// </summary>
    private static double InitialVigilanceOf(List<double[]> windows)
    {
        var n = windows.Count;
        var sums = new double[n];
        for (var i = 0; i < n; i++)
        {
            sums[i] += 1;
            for (var j = 0; j < i; j++)
            {
                var s = CosineSimilarity(windows[i], windows[j]);
                sums[i] += s;
                sums[j] += s;
            }
        }

        var order = Enumerable.Range(0, n).OrderBy(i => sums[i]).ToList();
        var art = new Resonance(int.MaxValue);
        art.SetVigilance(InitialVigilance, InitialVigilance);
        var similarities = new List<double>(n);
        foreach (var i in order)
        {
            art.Train(windows[i], learning: true);
            similarities.Add(art.Similarity);
        }

        var from = Math.Clamp((((n + Window - 1) / 2) - 1), 0, n - 1);
        return similarities.Skip(from).Average();
    }

    private static double CosineSimilarity(double[] a, double[] b)
    {
        double dot = 0, na = 0, nb = 0;
        for (var k = 0; k < a.Length; k++)
        {
            dot += a[k] * b[k];
            na += a[k] * a[k];
            nb += b[k] * b[k];
        }

        (na, nb) = (Math.Sqrt(na), Math.Sqrt(nb));
        return na == 0 ? 1 - nb : nb == 0 ? 1 - na : dot / (na * nb);
    }

    /// <summary>A dual-vigilance fuzzy ART on complement-coded features, fast commit.</summary>
    private sealed class Resonance(int maxCategories)
    {
        public int MaxCategories => maxCategories;

        private readonly List<double[]> _weights = [];
        private readonly List<double> _sizes = [];
        private readonly List<int> _labels = [];
        private readonly List<long> _lastResonated = [];
        private long _inputs;
        private readonly double[] _input = new double[2 * Features];
        private double[] _match = [];
        private double[] _energy = [];
        private int _clusters;

        public int Count => _weights.Count;

        public double LowerVigilance { get; private set; }

        public double UpperVigilance { get; private set; }

        /// <summary>The best category's match for the last input.</summary>
        public double Similarity { get; private set; }

        /// <summary>The best category's match on the latest value alone.</summary>
        public double EnergySimilarity { get; private set; }

        public void SetVigilance(double lower, double upper) => (LowerVigilance, UpperVigilance) = (lower, upper);

        /// <summary>Learns the features; returns the cluster label, or −1 when they start a new cluster.</summary>
        public int Train(double[] features, bool learning)
        {
            _inputs++;
            for (var k = 0; k < Features; k++)
            {
                _input[k] = features[k];
                _input[Features + k] = 1 - features[k];
            }

            if (_weights.Count == 0)
            {
                // The first category is all ones; the first input only creates it.
                Add([.. Enumerable.Repeat(1.0, 2 * Features)], 1);
                _clusters = 1;
                (Similarity, EnergySimilarity) = (0, 0);
                return 1;
            }

            var n = _weights.Count;
            if (_match.Length < n)
            {
                _match = new double[n * 2];
                _energy = new double[n * 2];
            }

            // The best match (the first in category order among equals); a match that is not a number ranks first and
            // resonates with nothing.
            var top = -1;
            var unmatched = false;
            for (var j = 0; j < n; j++)
            {
                (_match[j], _energy[j]) = Activation(_weights[j], _sizes[j]);
                unmatched |= double.IsNaN(_match[j]);
                if (top < 0 || _match[j] > _match[top])
                {
                    top = j;
                }
            }

            var best = unmatched || !(_match[top] > 0) ? 0 : _match[top];
            var bestEnergy = best > 0 ? _energy[top] : 0;
            var mismatch = true;
            var label = -1;
            if (learning && !unmatched)
            {
                if (best >= UpperVigilance)
                {
                    // Every category at or above the upper vigilance learns the input (fast commit); the label is the best
                    // one's — among equal best matches the last in category order.
                    for (var j = 0; j < n; j++)
                    {
                        if (_match[j] >= UpperVigilance)
                        {
                            Learn(j);
                            label = _match[j] == best ? _labels[j] : label;
                        }
                    }

                    mismatch = false;
                }
                else if (best >= LowerVigilance)
                {
                    // Between the vigilances: a new category of the best one's cluster.
                    label = _labels[top];
                    _lastResonated[top] = _inputs;
                    Add((double[])_input.Clone(), label);
                    mismatch = false;
                }
            }

            (Similarity, EnergySimilarity) = (best, bestEnergy);
            if (mismatch && learning)
            {
                label = -1;
                Add((double[])_input.Clone(), ++_clusters);
            }

            return label;
        }

        private static double SizeOf(double[] w)
        {
            var size = 0.0;
            foreach (var v in w)
            {
                size += v;
            }

            return size;
        }

        private void Learn(int category)
        {
            var w = _weights[category];
            for (var k = 0; k < w.Length; k++)
            {
                w[k] = Math.Min(w[k], _input[k]);
            }

            _sizes[category] = SizeOf(w);
            _lastResonated[category] = _inputs;
        }

        /// <summary>A new category; at the bound it takes the place of the one that resonated least recently.</summary>
        private void Add(double[] w, int label)
        {
            if (_weights.Count < maxCategories)
            {
                _weights.Add(w);
                _sizes.Add(SizeOf(w));
                _labels.Add(label);
                _lastResonated.Add(_inputs);
                return;
            }

            var oldest = 0;
            for (var j = 1; j < _lastResonated.Count; j++)
            {
                oldest = _lastResonated[j] < _lastResonated[oldest] ? j : oldest;
            }

            (_weights[oldest], _sizes[oldest], _labels[oldest], _lastResonated[oldest]) = (w, SizeOf(w), label, _inputs);
        }

        public ResonanceCategories Save() => new([.. _weights.Select(w => (double[])w.Clone())], [.. _labels], [.. _lastResonated], _inputs, _clusters,
            LowerVigilance, UpperVigilance);

        public void Load(ResonanceCategories state)
        {
            if (state.Weights.Length > maxCategories || state.Weights.Any(w => w.Length != 2 * Features)
                || state.Labels.Length != state.Weights.Length || state.LastResonated.Length != state.Weights.Length)
            {
                throw new ArgumentException("The saved categories do not fit this detector.", nameof(state));
            }

            _weights.Clear();
            _sizes.Clear();
            _labels.Clear();
            _lastResonated.Clear();
            foreach (var w in state.Weights)
            {
                _weights.Add((double[])w.Clone());
                _sizes.Add(SizeOf(w));
            }

            _labels.AddRange(state.Labels);
            _lastResonated.AddRange(state.LastResonated);
            (_inputs, _clusters, LowerVigilance, UpperVigilance) = (state.Inputs, state.Clusters, state.LowerVigilance, state.UpperVigilance);
        }

        private (double Match, double Energy) Activation(double[] w, double size)
        {
            // |min(input, w)|₁ a vector at a time (the inputs are 32 values).
            var common = 0.0;
            var k = 0;
            if (Vector.IsHardwareAccelerated)
            {
                var sum = Vector<double>.Zero;
                for (; k <= w.Length - Vector<double>.Count; k += Vector<double>.Count)
                {
                    sum += Vector.Min(new Vector<double>(_input, k), new Vector<double>(w, k));
                }

                common = Vector.Sum(sum);
            }

            for (; k < w.Length; k++)
            {
                common += Math.Min(_input[k], w[k]);
            }

            var feature = common / (size == 0 ? 0.001 : size);
            var latest = Features - 1;
            var energy = (Math.Min(_input[latest], w[latest]) + Math.Min(_input[^1], w[^1])) / (w[latest] + w[^1]);
            return (feature * feature * feature * energy * energy, energy);
        }
    }

    /// <summary>A fixed-length window of the latest values.</summary>
    private sealed class Ring(int length, double initial)
    {
        private readonly double[] _values = [.. Enumerable.Repeat(initial, length)];
        private int _next;

        public int Length => _values.Length;

        public double[] Values => (double[])_values.Clone();

        public int Next => _next;

        public void Load(double[] values, int next)
        {
            if (values.Length != _values.Length || next < 0 || next >= values.Length)
            {
                throw new ArgumentException("The saved window does not fit this detector's.", nameof(values));
            }

            values.CopyTo(_values, 0);
            _next = next;
        }

        public void Push(double value)
        {
            _values[_next] = value;
            _next = (_next + 1) % _values.Length;
        }

        public double Min() => _values.Min();

        public double MeanOfAbove(double floor, double cap)
        {
            double sum = 0;
            var count = 0;
            foreach (var v in _values)
            {
                if (v > floor)
                {
                    sum += Math.Min(cap, v);
                    count++;
                }
            }

            return count > 0 ? sum / count : 0;
        }
    }
}
