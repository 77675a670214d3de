<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>EvaluationCharts</name>
    <message>
        <source>precision</source>
        <translation>精确率</translation>
    </message>
    <message>
        <source>recall</source>
        <translation>召回率</translation>
    </message>
    <message>
        <source>F1</source>
        <translation>F1</translation>
    </message>
    <message>
        <source>Predicted against true</source>
        <translation>预测值与真实值</translation>
    </message>
    <message>
        <source>samples</source>
        <translation>样本数</translation>
    </message>
    <message>
        <source>predicted = true</source>
        <translation>预测 = 真实</translation>
    </message>
    <message>
        <source>true</source>
        <translation>真实值</translation>
    </message>
    <message>
        <source>true (%1)</source>
        <translation>真实值（%1）</translation>
    </message>
    <message>
        <source>predicted</source>
        <translation>预测值</translation>
    </message>
    <message>
        <source>predicted (%1)</source>
        <translation>预测值（%1）</translation>
    </message>
    <message>
        <source>Residuals (predicted - true)</source>
        <translation>残差（预测 - 真实）</translation>
    </message>
    <message>
        <source>residual</source>
        <translation>残差</translation>
    </message>
    <message>
        <source>residual (%1)</source>
        <translation>残差（%1）</translation>
    </message>
    <message>
        <source>Precision, recall, F1</source>
        <translation>精确率、召回率、F1</translation>
    </message>
</context>
<context>
    <name>ModelDescription</name>
    <message>
        <source>MLP</source>
        <translation>MLP</translation>
    </message>
    <message>
        <source>CNN</source>
        <translation>CNN</translation>
    </message>
    <message>
        <source>LeNet-5</source>
        <translation>LeNet-5</translation>
    </message>
    <message>
        <source>ResNet</source>
        <translation>ResNet</translation>
    </message>
    <message>
        <source>LSTM</source>
        <translation>LSTM</translation>
    </message>
    <message>
        <source>GRU</source>
        <translation>GRU</translation>
    </message>
    <message>
        <source>RNN</source>
        <translation>RNN</translation>
    </message>
    <message>
        <source>GPT</source>
        <translation>GPT</translation>
    </message>
    <message>
        <source>Transformer encoder</source>
        <translation>Transformer 编码器</translation>
    </message>
    <message>
        <source>conv channels %1</source>
        <translation>卷积通道 %1</translation>
    </message>
    <message>
        <source>dense %1</source>
        <translation>全连接层 %1</translation>
    </message>
    <message>
        <source>hidden %1</source>
        <translation>隐藏层 %1</translation>
    </message>
    <message>
        <source>widths %1</source>
        <translation>宽度 %1</translation>
    </message>
    <message>
        <source>blocks %1</source>
        <translation>残差块 %1</translation>
    </message>
    <message>
        <source>%1 layer</source>
        <translation>%1 层</translation>
    </message>
    <message>
        <source>%1 layers</source>
        <translation>%1 层</translation>
    </message>
    <message>
        <source>hidden size %1</source>
        <translation>隐藏状态 %1</translation>
    </message>
    <message>
        <source>%1 block</source>
        <translation>%1 个模块</translation>
    </message>
    <message>
        <source>%1 blocks</source>
        <translation>%1 个模块</translation>
    </message>
    <message>
        <source>width %1</source>
        <translation>宽度 %1</translation>
    </message>
    <message>
        <source>%1 head</source>
        <translation>%1 个注意力头</translation>
    </message>
    <message>
        <source>%1 heads</source>
        <translation>%1 个注意力头</translation>
    </message>
    <message>
        <source>bidirectional</source>
        <translation>双向</translation>
    </message>
    <message>
        <source>, </source>
        <extracomment>Between the parts of a model&apos;s description: &quot;CNN, conv channels 32, 64, dense 128&quot;.</extracomment>
        <translation>，</translation>
    </message>
    <message>
        <source>Hugging Face model</source>
        <translation>Hugging Face 模型</translation>
    </message>
    <message>
        <source>ImageNet ResNet</source>
        <translation>ImageNet ResNet</translation>
    </message>
    <message>
        <source>MobileNetV2</source>
        <translation>MobileNetV2</translation>
    </message>
    <message>
        <source>depth %1</source>
        <translation>深度 %1</translation>
    </message>
</context>
<context>
    <name>QObject</name>
    <message>
        <source>Bundle %1: %2 model (%3), %4 input %5</source>
        <translation>模型包 %1：%2 模型（%3），%4 输入 %5</translation>
    </message>
    <message>
        <source>ONNX opset %1, %2 nodes: %3; the ONNX checker passed</source>
        <translation>ONNX opset %1，%2 个节点：%3；已通过 ONNX 检查器</translation>
    </message>
    <message>
        <source>  %1 on %2 inputs: max |difference| from LibTorch %3 (tolerance %4): passed</source>
        <translation>  %1 在 %2 个输入上：与 LibTorch 的最大差异 %3（容差 %4）：通过</translation>
    </message>
    <message>
        <source>Note: this run is %1 after %2 epochs; the bundle holds its weights as they were then.</source>
        <translation>注意：此运行在 %2 轮后处于“%1”状态；模型包保存的是当时的权重。</translation>
    </message>
</context>
<context>
    <name>cradle::AnnotatorAgreementDialog</name>
    <message>
        <source>Annotators of %1</source>
        <translation>%1 的标注者</translation>
    </message>
    <message>
        <source>Each annotator&apos;s labels:</source>
        <translation>每位标注者的标注：</translation>
    </message>
    <message>
        <source>Annotator</source>
        <translation>标注者</translation>
    </message>
    <message>
        <source>Labels</source>
        <translation>标注数</translation>
    </message>
    <message>
        <source>Left/right decided</source>
        <translation>已判定左右</translation>
    </message>
    <message>
        <source>Ties</source>
        <translation>平局</translation>
    </message>
    <message>
        <source>Skipped</source>
        <translation>跳过</translation>
    </message>
    <message>
        <source>Agreement on the items both labelled (skips left out; kappa corrects for chance):</source>
        <translation>双方都标注过的条目上的一致性（不含跳过；kappa 已校正偶然一致）：</translation>
    </message>
    <message>
        <source>Shared items</source>
        <translation>共同条目</translation>
    </message>
    <message>
        <source>Agreement</source>
        <translation>一致率</translation>
    </message>
    <message>
        <source>Cohen&apos;s kappa</source>
        <translation>Cohen kappa</translation>
    </message>
    <message>
        <source>n/a</source>
        <translation>无</translation>
    </message>
    <message>
        <source>Not read as label files: %1</source>
        <translation>未能作为标注文件读取：%1</translation>
    </message>
    <message>
        <source>Merge with:</source>
        <translation>合并方式：</translation>
    </message>
    <message>
        <source>majority (an even split becomes a tie)</source>
        <translation>多数（票数相同记为平局）</translation>
    </message>
    <message>
        <source>unanimous (only items everyone judged alike)</source>
        <translation>一致（只取所有人判断相同的条目）</translation>
    </message>
    <message>
        <source>first (the first annotator above wins)</source>
        <translation>优先（以上方第一位标注者为准）</translation>
    </message>
    <message>
        <source>Write Merged Set</source>
        <translation>写出合并集</translation>
    </message>
    <message>
        <source>%1 items from %2 annotators in %3; the rating panel&apos;s Train on list offers it.</source>
        <translation>%2 位标注者的 %1 个条目已写入 %3；评分面板的“训练数据”列表中可选用。</translation>
    </message>
</context>
<context>
    <name>cradle::ArchitecturePage</name>
    <message>
        <source>Architecture</source>
        <translation>架构</translation>
    </message>
    <message>
        <source>The model and its sizes; the table shows what each layer costs.</source>
        <translation>模型及其规模；表格显示每一层的开销。</translation>
    </message>
    <message>
        <source>Model</source>
        <translation>模型</translation>
    </message>
    <message>
        <source>Template:</source>
        <translation>模板：</translation>
    </message>
    <message>
        <source>The kind of network. Each takes its own sizes below.</source>
        <translation>网络的种类。每种都有下面各自的规模设置。</translation>
    </message>
    <message>
        <source>MLP (fully connected)</source>
        <translation>MLP（全连接）</translation>
    </message>
    <message>
        <source>CNN stack</source>
        <translation>CNN 堆叠</translation>
    </message>
    <message>
        <source>LeNet-5</source>
        <translation>LeNet-5</translation>
    </message>
    <message>
        <source>ResNet</source>
        <translation>ResNet</translation>
    </message>
    <message>
        <source>RNN</source>
        <translation>RNN</translation>
    </message>
    <message>
        <source>LSTM</source>
        <translation>LSTM</translation>
    </message>
    <message>
        <source>GRU</source>
        <translation>GRU</translation>
    </message>
    <message>
        <source>GPT (transformer decoder)</source>
        <translation>GPT（Transformer 解码器）</translation>
    </message>
    <message>
        <source>Transformer encoder</source>
        <translation>Transformer 编码器</translation>
    </message>
    <message>
        <source>Conv channels:</source>
        <translation>卷积通道：</translation>
    </message>
    <message>
        <source>One convolution block (conv, norm, activation, pool) per number: its output channels.</source>
        <translation>每个数字对应一个卷积块（卷积、归一化、激活、池化）：它的输出通道数。</translation>
    </message>
    <message>
        <source>Kernel size:</source>
        <translation>卷积核大小：</translation>
    </message>
    <message>
        <source>Side of the square convolution kernel.</source>
        <translation>正方形卷积核的边长。</translation>
    </message>
    <message>
        <source>Padding:</source>
        <translation>填充：</translation>
    </message>
    <message>
        <source>&quot;same&quot; keeps the image size (kernel_size / 2 each side); &quot;valid&quot; adds none.</source>
        <translation>“same” 保持图像大小（每边 kernel_size / 2）；“valid” 不填充。</translation>
    </message>
    <message>
        <source>same</source>
        <translation>same</translation>
    </message>
    <message>
        <source>valid</source>
        <translation>valid</translation>
    </message>
    <message>
        <source>Stride:</source>
        <translation>步幅：</translation>
    </message>
    <message>
        <source>Step of the convolution.</source>
        <translation>卷积的步长。</translation>
    </message>
    <message>
        <source>Pooling:</source>
        <translation>池化：</translation>
    </message>
    <message>
        <source>2x2 pooling after each block.</source>
        <translation>每个块之后的 2x2 池化。</translation>
    </message>
    <message>
        <source>max</source>
        <translation>最大值</translation>
    </message>
    <message>
        <source>average</source>
        <translation>平均值</translation>
    </message>
    <message>
        <source>none</source>
        <translation>无</translation>
    </message>
    <message>
        <source>Channel dropout:</source>
        <translation>通道丢弃：</translation>
    </message>
    <message>
        <source>Share of whole channels dropped after each block while training.</source>
        <translation>训练时每个块之后整通道丢弃的比例。</translation>
    </message>
    <message>
        <source>Stage widths:</source>
        <translation>阶段宽度：</translation>
    </message>
    <message>
        <source>Channels of each ResNet stage.</source>
        <translation>每个 ResNet 阶段的通道数。</translation>
    </message>
    <message>
        <source>Blocks per stage:</source>
        <translation>每阶段块数：</translation>
    </message>
    <message>
        <source>Residual blocks in each stage.</source>
        <translation>每个阶段中的残差块数。</translation>
    </message>
    <message>
        <source>Dense layers:</source>
        <translation>全连接层：</translation>
    </message>
    <message>
        <source>Width of each fully connected layer before the output.</source>
        <translation>输出层之前每个全连接层的宽度。</translation>
    </message>
    <message>
        <source>Activation:</source>
        <translation>激活函数：</translation>
    </message>
    <message>
        <source>The non-linearity between layers.</source>
        <translation>层与层之间的非线性函数。</translation>
    </message>
    <message>
        <source>Batch norm:</source>
        <translation>批归一化：</translation>
    </message>
    <message>
        <source>Normalise each layer&apos;s outputs over the batch.</source>
        <translation>在批次上归一化每层的输出。</translation>
    </message>
    <message>
        <source>Layer norm:</source>
        <translation>层归一化：</translation>
    </message>
    <message>
        <source>Normalise each sample&apos;s dense activations (not with batch norm).</source>
        <translation>归一化每个样本的全连接激活（不可与批归一化同用）。</translation>
    </message>
    <message>
        <source>Embedding size:</source>
        <translation>嵌入维度：</translation>
    </message>
    <message>
        <source>Width of each token&apos;s embedding.</source>
        <translation>每个词元嵌入的宽度。</translation>
    </message>
    <message>
        <source>State size:</source>
        <translation>状态维度：</translation>
    </message>
    <message>
        <source>Width of the recurrent state.</source>
        <translation>循环状态的宽度。</translation>
    </message>
    <message>
        <source>Layers:</source>
        <translation>层数：</translation>
    </message>
    <message>
        <source>Stacked recurrent layers, or transformer blocks.</source>
        <translation>堆叠的循环层数，或 Transformer 块数。</translation>
    </message>
    <message>
        <source>Width:</source>
        <translation>宽度：</translation>
    </message>
    <message>
        <source>Transformer width: embeddings and the residual stream.</source>
        <translation>Transformer 宽度：嵌入和残差流。</translation>
    </message>
    <message>
        <source>Attention heads:</source>
        <translation>注意力头数：</translation>
    </message>
    <message>
        <source>The width must divide by it.</source>
        <translation>宽度必须能被它整除。</translation>
    </message>
    <message>
        <source>Positions:</source>
        <translation>位置编码：</translation>
    </message>
    <message>
        <source>Learned position embeddings, or rotary (RoPE).</source>
        <translation>可学习的位置嵌入，或旋转位置编码（RoPE）。</translation>
    </message>
    <message>
        <source>learned</source>
        <translation>可学习</translation>
    </message>
    <message>
        <source>rotary</source>
        <translation>旋转</translation>
    </message>
    <message>
        <source>Tie weights:</source>
        <translation>权重共享：</translation>
    </message>
    <message>
        <source>The output layer shares the token embedding&apos;s matrix (fewer parameters).</source>
        <translation>输出层与词元嵌入共用同一矩阵（参数更少）。</translation>
    </message>
    <message>
        <source>Bidirectional:</source>
        <translation>双向：</translation>
    </message>
    <message>
        <source>A second stack reads the text backwards.</source>
        <translation>第二个堆叠从后向前阅读文本。</translation>
    </message>
    <message>
        <source>Pooling over tokens:</source>
        <translation>词元池化：</translation>
    </message>
    <message>
        <source>How a text&apos;s states become one vector: the last one, or the mean or max over its tokens.</source>
        <translation>文本的各状态如何变成一个向量：取最后一个，或对其词元取平均或最大值。</translation>
    </message>
    <message>
        <source>last</source>
        <translation>最后</translation>
    </message>
    <message>
        <source>mean</source>
        <translation>平均</translation>
    </message>
    <message>
        <source>Dropout:</source>
        <translation>丢弃率（Dropout）：</translation>
    </message>
    <message>
        <source>Share of activations zeroed while training, against overfitting.</source>
        <translation>训练时置零的激活比例，用于防止过拟合。</translation>
    </message>
    <message>
        <source>Layer</source>
        <translation>层</translation>
    </message>
    <message>
        <source>Kind</source>
        <translation>类型</translation>
    </message>
    <message>
        <source>Output shape</source>
        <translation>输出形状</translation>
    </message>
    <message>
        <source>Parameters</source>
        <translation>参数</translation>
    </message>
    <message>
        <source>FLOPs</source>
        <translation>FLOPs</translation>
    </message>
    <message>
        <source>The layer table appears once the data has been read (page 1).</source>
        <translation>读取数据后（第 1 页）将显示层表。</translation>
    </message>
    <message>
        <source>Parameters: %1 (trainable %2)
Forward FLOPs per sample: %3
Training memory for a batch of %4: %5 (weights %6, gradients %7, optimizer state %8, activations %9)</source>
        <translation>参数：%1（可训练 %2）
每个样本的前向 FLOPs：%3
批大小 %4 的训练内存：%5（权重 %6，梯度 %7，优化器状态 %8，激活 %9）</translation>
    </message>
    <message>
        <source>This needs more than 80% of this machine&apos;s %1 of memory: lower the batch size or the model&apos;s sizes.</source>
        <translation>这需要超过本机 %1 内存的 80%：请减小批大小或模型规模。</translation>
    </message>
    <message>
        <source>Start from:</source>
        <translation>起点：</translation>
    </message>
    <message>
        <source>A Hugging Face model folder (config.json, model.safetensors, tokenizer.json: e.g. from huggingface-cli download), or a run folder; the experiment keeps its model.</source>
        <translation>Hugging Face 模型文件夹（config.json、model.safetensors、tokenizer.json：例如用 huggingface-cli download 下载的），或一个运行文件夹；实验沿用其模型。</translation>
    </message>
    <message>
        <source>This needs more than 80% of this machine&apos;s %1 of memory: lower the batch size or the context, or use LoRA and gradient checkpointing.</source>
        <translation>这需要超过本机 %1 内存的 80%：请减小批大小或上下文长度，或使用 LoRA 和梯度检查点。</translation>
    </message>
    <message>
        <source>%1: %2, %3 parameters; %4 layers, width %5, %6 heads (%7 key/value), context up to %8.</source>
        <translation>%1：%2，%3 个参数；%4 层，宽度 %5，%6 个注意力头（%7 个键/值头），上下文最多 %8。</translation>
    </message>
    <message>
        <source>A training step at batch %1, context %2 (estimated tensors):</source>
        <translation>批大小 %1、上下文 %2 时一个训练步（估算的张量）：</translation>
    </message>
    <message>
        <source>%1: %2 (%3 trainable)</source>
        <translation>%1：%2（可训练 %3）</translation>
    </message>
    <message>
        <source>this experiment</source>
        <translation>本实验</translation>
    </message>
    <message>
        <source>full fine-tuning</source>
        <translation>全量微调</translation>
    </message>
    <message>
        <source>LoRA, gradient checkpointing</source>
        <translation>LoRA + 梯度检查点</translation>
    </message>
    <message>
        <source>This machine has %1 of memory.</source>
        <translation>本机内存为 %1。</translation>
    </message>
    <message>
        <source>%1, tuned from %2</source>
        <translation>%1（由 %2 微调）</translation>
    </message>
</context>
<context>
    <name>cradle::BundlePanel</name>
    <message>
        <source>No model bundle open</source>
        <translation>未打开模型包</translation>
    </message>
    <message>
        <source>File ▸ Open Model Bundle… opens a folder written by &lt;tt&gt;cradle-cli export&lt;/tt&gt; or a &lt;tt&gt;.cradle&lt;/tt&gt; file.</source>
        <translation>“文件 ▸ 打开模型包…”可打开由 &lt;tt&gt;cradle-cli export&lt;/tt&gt; 写出的文件夹或 &lt;tt&gt;.cradle&lt;/tt&gt; 文件。</translation>
    </message>
    <message>
        <source>Bundle</source>
        <translation>模型包</translation>
    </message>
    <message>
        <source>Model card</source>
        <translation>模型卡</translation>
    </message>
    <message>
        <source>Try it</source>
        <translation>试用</translation>
    </message>
    <message>
        <source>Choose Files…</source>
        <translation>选择文件…</translation>
    </message>
    <message>
        <source>One text per line</source>
        <translation>每行一段文本</translation>
    </message>
    <message>
        <source>Classify</source>
        <translation>分类</translation>
    </message>
    <message>
        <source>Input</source>
        <translation>输入</translation>
    </message>
    <message>
        <source>Prediction</source>
        <translation>预测</translation>
    </message>
    <message>
        <source>Probability</source>
        <translation>概率</translation>
    </message>
    <message>
        <source>Also likely</source>
        <translation>其他可能</translation>
    </message>
    <message>
        <source>Could not open %1: %2</source>
        <translation>无法打开 %1：%2</translation>
    </message>
    <message>
        <source>%1 — %2</source>
        <translation>%1 — %2</translation>
    </message>
    <message>
        <source>Task</source>
        <translation>任务</translation>
    </message>
    <message>
        <source>, %L1 parameters</source>
        <translation>，%L1 个参数</translation>
    </message>
    <message>
        <source>Model</source>
        <translation>模型</translation>
    </message>
    <message>
        <source>Classes</source>
        <translation>类别</translation>
    </message>
    <message>
        <source>%1: %2</source>
        <translation>%1：%2</translation>
    </message>
    <message>
        <source>Test metrics</source>
        <translation>测试指标</translation>
    </message>
    <message>
        <source>%1: max difference %2</source>
        <translation>%1：最大差异 %2</translation>
    </message>
    <message>
        <source>ONNX</source>
        <translation>ONNX</translation>
    </message>
    <message>
        <source>opset %1, checked — %2</source>
        <translation>opset %1，已校验 — %2</translation>
    </message>
    <message>
        <source>Exported</source>
        <translation>导出于</translation>
    </message>
    <message>
        <source>Choose CSV Files…</source>
        <translation>选择 CSV 文件…</translation>
    </message>
    <message>
        <source>Choose Images…</source>
        <translation>选择图像…</translation>
    </message>
    <message>
        <source>Rows to Predict</source>
        <translation>要预测的行</translation>
    </message>
    <message>
        <source>Images to Classify</source>
        <translation>要分类的图像</translation>
    </message>
    <message>
        <source>CSV files (*.csv);;All files (*)</source>
        <translation>CSV 文件 (*.csv);;所有文件 (*)</translation>
    </message>
    <message>
        <source>Images (*.png *.jpg *.jpeg *.bmp);;All files (*)</source>
        <translation>图像 (*.png *.jpg *.jpeg *.bmp);;所有文件 (*)</translation>
    </message>
    <message>
        <source>error</source>
        <translation>错误</translation>
    </message>
    <message>
        <source>%1 — a Hugging Face model folder</source>
        <translation>%1 — Hugging Face 模型文件夹</translation>
    </message>
    <message>
        <source>Model folder</source>
        <translation>模型文件夹</translation>
    </message>
    <message>
        <source>Architecture</source>
        <translation>架构</translation>
    </message>
    <message>
        <source>Parameters</source>
        <translation>参数</translation>
    </message>
    <message>
        <source>Shape</source>
        <translation>结构</translation>
    </message>
    <message>
        <source>%1 layers, width %2, %3 heads (%4 key/value), intermediate %5</source>
        <translation>%1 层，宽度 %2，%3 个注意力头（%4 个键/值头），中间层 %5</translation>
    </message>
    <message>
        <source>Vocabulary</source>
        <translation>词表</translation>
    </message>
    <message>
        <source>%L1 tokens (%2)</source>
        <translation>%L1 个词元（%2）</translation>
    </message>
    <message>
        <source>Context</source>
        <translation>上下文</translation>
    </message>
    <message>
        <source>%L1 positions</source>
        <translation>%L1 个位置</translation>
    </message>
    <message>
        <source>Weights</source>
        <translation>权重</translation>
    </message>
    <message>
        <source>%1, computed in float32</source>
        <translation>%1，以 float32 计算</translation>
    </message>
    <message>
        <source>Chat</source>
        <translation>对话</translation>
    </message>
    <message>
        <source>its own chat template: a prompt is the user&apos;s turn</source>
        <translation>模型自带的对话模板：提示作为用户的一轮</translation>
    </message>
    <message>
        <source>no chat template: a prompt is continued as text</source>
        <translation>没有对话模板：提示按文本续写</translation>
    </message>
    <message>
        <source>*This folder has no README.md (the Hub&apos;s model card).*</source>
        <translation>*此文件夹没有 README.md（Hub 的模型卡）。*</translation>
    </message>
    <message>
        <source>stored type not stated</source>
        <translation>未注明存储类型</translation>
    </message>
    <message>
        <source>%1 — an ImageNet backbone folder</source>
        <translation>%1 — ImageNet 骨干网络文件夹</translation>
    </message>
    <message>
        <source>*This model has no model card.*</source>
        <translation>*此模型没有模型卡。*</translation>
    </message>
</context>
<context>
    <name>cradle::CompressionPanel</name>
    <message>
        <source>Run to compress</source>
        <translation>要压缩的运行</translation>
    </message>
    <message>
        <source>Refresh</source>
        <translation>刷新</translation>
    </message>
    <message>
        <source>Prune</source>
        <translation>剪枝</translation>
    </message>
    <message>
        <source>Unstructured: the smallest weights</source>
        <translation>非结构化：最小的权重</translation>
    </message>
    <message>
        <source>Structured: whole channels and neurons</source>
        <translation>结构化：整个通道和神经元</translation>
    </message>
    <message>
        <source>Target sparsity</source>
        <translation>目标稀疏度</translation>
    </message>
    <message>
        <source>Prune and Fine-Tune</source>
        <translation>剪枝并微调</translation>
    </message>
    <message>
        <source>Quantise</source>
        <translation>量化</translation>
    </message>
    <message>
        <source>int8 weights with a scale per output channel; int8 arithmetic for the linear layers. No training.</source>
        <translation>int8 权重，每个输出通道一个缩放系数；线性层使用 int8 运算。无需训练。</translation>
    </message>
    <message>
        <source>Quantise to int8</source>
        <translation>量化为 int8</translation>
    </message>
    <message>
        <source>Distil</source>
        <translation>蒸馏</translation>
    </message>
    <message>
        <source>The run teaches a student experiment (a smaller model on the same data):</source>
        <translation>由该运行指导一个学生实验（在相同数据上的更小模型）：</translation>
    </message>
    <message>
        <source>student experiment.json</source>
        <translation>学生实验 experiment.json</translation>
    </message>
    <message>
        <source>Browse…</source>
        <translation>浏览…</translation>
    </message>
    <message>
        <source>Student Experiment</source>
        <translation>学生实验</translation>
    </message>
    <message>
        <source>Experiments (*.json)</source>
        <translation>实验 (*.json)</translation>
    </message>
    <message>
        <source>Run</source>
        <translation>运行</translation>
    </message>
    <message>
        <source>How</source>
        <translation>方式</translation>
    </message>
    <message>
        <source>Test accuracy</source>
        <translation>测试准确率</translation>
    </message>
    <message>
        <source>Size (KB, zipped)</source>
        <translation>大小（KB，压缩后）</translation>
    </message>
    <message>
        <source>Non-zero parameters</source>
        <translation>非零参数</translation>
    </message>
    <message>
        <source>Latency (ms/sample)</source>
        <translation>延迟（毫秒/样本）</translation>
    </message>
    <message>
        <source>size (KB, zipped)</source>
        <translation>大小（KB，压缩后）</translation>
    </message>
    <message>
        <source>test accuracy</source>
        <translation>测试准确率</translation>
    </message>
    <message>
        <source>Wrote %1; training it (the Training tab follows it).</source>
        <translation>已写入 %1；正在训练（“训练”标签页会跟随）。</translation>
    </message>
    <message>
        <source>Choose the student&apos;s experiment file first.</source>
        <translation>请先选择学生的实验文件。</translation>
    </message>
    <message>
        <source>Quantising %1…</source>
        <translation>正在量化 %1…</translation>
    </message>
    <message>
        <source>Quantised %1 into %1-int8.</source>
        <translation>已将 %1 量化为 %1-int8。</translation>
    </message>
    <message>
        <source> to %1% sparsity</source>
        <translation>，稀疏度 %1%</translation>
    </message>
    <message>
        <source>original</source>
        <translation>原始</translation>
    </message>
    <message>
        <source>Accuracy against size</source>
        <translation>准确率与大小</translation>
    </message>
    <message>
        <source>Accuracy against latency</source>
        <translation>准确率与延迟</translation>
    </message>
    <message>
        <source>latency (ms per sample, batch 1)</source>
        <translation>延迟（每样本毫秒，批大小 1）</translation>
    </message>
</context>
<context>
    <name>cradle::ConfusionMatrixPlot</name>
    <message>
        <source>Predicted class</source>
        <translation>预测类别</translation>
    </message>
    <message>
        <source>True class</source>
        <translation>真实类别</translation>
    </message>
    <message>
        <source>True %1, predicted %2: %3 of %4 (%5%)</source>
        <translation>真实 %1，预测 %2：%4 个中的 %3 个（%5%）</translation>
    </message>
</context>
<context>
    <name>cradle::DataPreviewPanel</name>
    <message>
        <source>Samples</source>
        <translation>样本</translation>
    </message>
    <message>
        <source>training samples</source>
        <translation>训练样本</translation>
    </message>
    <message>
        <source>Statistics</source>
        <translation>统计</translation>
    </message>
    <message>
        <source>The preview appears once the data settings are valid.</source>
        <translation>数据设置有效后将显示预览。</translation>
    </message>
    <message>
        <source>Reading the data...</source>
        <translation>正在读取数据……</translation>
    </message>
    <message>
        <source>Preview of the training split, as training will read it.</source>
        <translation>训练集的预览，与训练时读取的方式相同。</translation>
    </message>
    <message>
        <source>Columns: %1</source>
        <translation>列：%1</translation>
    </message>
    <message>
        <source>%1 records in, %2 out, %3 changed</source>
        <translation>输入 %1 条记录，输出 %2 条，修改 %3 条</translation>
    </message>
    <message>
        <source>removed: %1</source>
        <translation>已删除：%1</translation>
    </message>
    <message>
        <source>Tokens (%1 tokenizer, %2 tokens)</source>
        <translation>词元（%1 分词器，%2 个词元）</translation>
    </message>
    <message>
        <source>Training samples: %1
Input shape: %2</source>
        <translation>训练样本：%1
输入形状：%2</translation>
    </message>
    <message>
        <source>
Vocabulary: %1 tokens</source>
        <translation>
词表：%1 个词元</translation>
    </message>
    <message>
        <source>
Classes: %1</source>
        <translation>
类别：%1</translation>
    </message>
    <message>
        <source>Rows (class): %1</source>
        <translation>行（类别）：%1</translation>
    </message>
</context>
<context>
    <name>cradle::DocumentForm</name>
    <message>
        <source>Browse...</source>
        <translation>浏览……</translation>
    </message>
    <message>
        <source>Change %1</source>
        <translation>更改 %1</translation>
    </message>
    <message>
        <source>Not found: %1</source>
        <translation>未找到：%1</translation>
    </message>
</context>
<context>
    <name>cradle::EvaluationPanel</name>
    <message>
        <source>Run</source>
        <translation>运行</translation>
    </message>
    <message>
        <source>Browse…</source>
        <translation>浏览…</translation>
    </message>
    <message>
        <source>Run Folder to Evaluate</source>
        <translation>要评估的运行文件夹</translation>
    </message>
    <message>
        <source>Checkpoint</source>
        <translation>检查点</translation>
    </message>
    <message>
        <source>last</source>
        <translation>最新</translation>
    </message>
    <message>
        <source>best</source>
        <translation>最佳</translation>
    </message>
    <message>
        <source>Split</source>
        <translation>数据划分</translation>
    </message>
    <message>
        <source>test</source>
        <translation>测试集</translation>
    </message>
    <message>
        <source>validation</source>
        <translation>验证集</translation>
    </message>
    <message>
        <source>train</source>
        <translation>训练集</translation>
    </message>
    <message>
        <source>Compare with</source>
        <translation>对比</translation>
    </message>
    <message>
        <source>Evaluate</source>
        <translation>评估</translation>
    </message>
    <message>
        <source>Choose a finished run and Evaluate.</source>
        <translation>选择一个已完成的运行，然后点击“评估”。</translation>
    </message>
    <message>
        <source>Open HTML Report</source>
        <translation>打开 HTML 报告</translation>
    </message>
    <message>
        <source>Save Charts…</source>
        <translation>保存图表…</translation>
    </message>
    <message>
        <source>Save Charts Into</source>
        <translation>将图表保存到</translation>
    </message>
    <message>
        <source>Saved %1</source>
        <translation>已保存 %1</translation>
    </message>
    <message>
        <source>Metric</source>
        <translation>指标</translation>
    </message>
    <message>
        <source>Value</source>
        <translation>值</translation>
    </message>
    <message>
        <source>Click a cell of the matrix to see its samples.</source>
        <translation>点击矩阵中的单元格查看其样本。</translation>
    </message>
    <message>
        <source>Confident Mistakes</source>
        <translation>高置信度错误</translation>
    </message>
    <message>
        <source>(nothing)</source>
        <translation>（无）</translation>
    </message>
    <message>
        <source>Evaluating %1 on the %2 split…</source>
        <translation>正在 %2 上评估 %1…</translation>
    </message>
    <message>
        <source>Evaluating %1 and %2 on the %3 split…</source>
        <translation>正在 %3 上评估 %1 和 %2…</translation>
    </message>
    <message>
        <source>%1 (%2), %3 split, checkpoint %4: %L5 samples in %6 s</source>
        <translation>%1（%2），%3，检查点 %4：%L5 个样本，用时 %6 秒</translation>
    </message>
    <message>
        <source>Confusion matrix: %1</source>
        <translation>混淆矩阵：%1</translation>
    </message>
    <message>
        <source>Compared: %1</source>
        <translation>对比：%1</translation>
    </message>
    <message>
        <source>samples</source>
        <translation>样本数</translation>
    </message>
    <message>
        <source>loss</source>
        <translation>损失</translation>
    </message>
    <message>
        <source>accuracy</source>
        <translation>准确率</translation>
    </message>
    <message>
        <source>top-%1 accuracy</source>
        <translation>top-%1 准确率</translation>
    </message>
    <message>
        <source>macro precision</source>
        <translation>宏平均精确率</translation>
    </message>
    <message>
        <source>macro recall</source>
        <translation>宏平均召回率</translation>
    </message>
    <message>
        <source>macro F1</source>
        <translation>宏平均 F1</translation>
    </message>
    <message>
        <source>weighted F1</source>
        <translation>加权 F1</translation>
    </message>
    <message>
        <source>ROC-AUC</source>
        <translation>ROC-AUC</translation>
    </message>
    <message>
        <source>calibration error (ECE)</source>
        <translation>校准误差（ECE）</translation>
    </message>
    <message>
        <source>MAE</source>
        <translation>MAE</translation>
    </message>
    <message>
        <source>RMSE</source>
        <translation>RMSE</translation>
    </message>
    <message>
        <source>R²</source>
        <translation>R²</translation>
    </message>
    <message>
        <source>mean residual</source>
        <translation>平均残差</translation>
    </message>
    <message>
        <source>perplexity</source>
        <translation>困惑度</translation>
    </message>
    <message>
        <source>bits per character</source>
        <translation>每字符比特数</translation>
    </message>
    <message>
        <source>token accuracy</source>
        <translation>词元准确率</translation>
    </message>
    <message>
        <source>%1 right: %L2 samples</source>
        <translation>%1 正确：%L2 个样本</translation>
    </message>
    <message>
        <source>%1 taken for %2: %L3 samples</source>
        <translation>%1 被误认为 %2：%L3 个样本</translation>
    </message>
    <message>
        <source>sample %1: true %2, predicted %3 with %4 (true class %5%)</source>
        <translation>样本 %1：真实 %2，预测 %3（%4；真实类别 %5%）</translation>
    </message>
    <message>
        <source>The %1 most confident mistakes</source>
        <translation>置信度最高的 %1 个错误</translation>
    </message>
    <message>
        <source>%1 as %2, %3%</source>
        <translation>%1 误为 %2，%3%</translation>
    </message>
    <message>
        <source>The compared run&apos;s checkpoint: the same run&apos;s best against its last compares checkpoints</source>
        <translation>对比运行的检查点：同一运行的最佳与最新对比即比较检查点</translation>
    </message>
    <message>
        <source>No browser could be started for %1.</source>
        <translation>无法启动浏览器打开 %1。</translation>
    </message>
    <message>
        <source>Open it from %1.</source>
        <translation>请从 %1 打开它。</translation>
    </message>
</context>
<context>
    <name>cradle::ExperimentDocument</name>
    <message>
        <source>Edit %1</source>
        <translation>编辑 %1</translation>
    </message>
    <message>
        <source>Remove %1</source>
        <translation>删除 %1</translation>
    </message>
</context>
<context>
    <name>cradle::ExperimentWizard</name>
    <message>
        <source>New Experiment</source>
        <translation>新建实验</translation>
    </message>
    <message>
        <source>&amp;Save</source>
        <translation>保存(&amp;S)</translation>
    </message>
    <message>
        <source>Save and &amp;Train</source>
        <translation>保存并训练(&amp;T)</translation>
    </message>
    <message>
        <source>&amp;Undo</source>
        <translation>撤销(&amp;U)</translation>
    </message>
    <message>
        <source>&amp;Redo</source>
        <translation>重做(&amp;R)</translation>
    </message>
    <message>
        <source>%1: an experiment file holds one JSON object</source>
        <translation>%1：实验文件应包含一个 JSON 对象</translation>
    </message>
    <message>
        <source>Edit Experiment - %1</source>
        <translation>编辑实验 - %1</translation>
    </message>
    <message>
        <source>Replace Experiment</source>
        <translation>替换实验</translation>
    </message>
    <message>
        <source>%1 exists. Replace it?</source>
        <translation>%1 已存在。要替换它吗？</translation>
    </message>
    <message>
        <source>Could Not Save</source>
        <translation>无法保存</translation>
    </message>
    <message>
        <source>The experiment was saved, the sweep not: %1</source>
        <translation>实验已保存，扫描未保存：%1</translation>
    </message>
    <message>
        <source>Replace Sweep</source>
        <translation>替换扫描</translation>
    </message>
</context>
<context>
    <name>cradle::ExportDialog</name>
    <message>
        <source>Export Model</source>
        <translation>导出模型</translation>
    </message>
    <message>
        <source>Run</source>
        <translation>运行</translation>
    </message>
    <message>
        <source>Browse…</source>
        <translation>浏览…</translation>
    </message>
    <message>
        <source>Destination</source>
        <translation>目标位置</translation>
    </message>
    <message>
        <source>One .cradle file (a zip of the bundle folder)</source>
        <translation>单个 .cradle 文件（模型包文件夹的 zip）</translation>
    </message>
    <message>
        <source>Bundle</source>
        <translation>模型包</translation>
    </message>
    <message>
        <source>Weights (LibTorch and safetensors), experiment, report and model card</source>
        <translation>权重（LibTorch 与 safetensors）、实验、报告和模型卡</translation>
    </message>
    <message>
        <source>Always in a bundle</source>
        <translation>模型包中总会包含</translation>
    </message>
    <message>
        <source>ONNX, checked against LibTorch by independent runtimes</source>
        <translation>ONNX，由独立运行时对照 LibTorch 校验</translation>
    </message>
    <message>
        <source>Export</source>
        <translation>导出</translation>
    </message>
    <message>
        <source>Serve</source>
        <translation>提供服务</translation>
    </message>
    <message>
        <source>Start the HTTP service for the exported bundle on this computer</source>
        <translation>在本机为导出的模型包启动 HTTP 服务</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>关闭</translation>
    </message>
    <message>
        <source>Bundle File</source>
        <translation>模型包文件</translation>
    </message>
    <message>
        <source>Cradle bundles (*.cradle)</source>
        <translation>Cradle 模型包 (*.cradle)</translation>
    </message>
    <message>
        <source>Bundle Folder (must not exist)</source>
        <translation>模型包文件夹（必须不存在）</translation>
    </message>
    <message>
        <source>Exporting %1 and checking its ONNX graph…</source>
        <translation>正在导出 %1 并校验其 ONNX 图…</translation>
    </message>
    <message>
        <source>Exporting %1…</source>
        <translation>正在导出 %1…</translation>
    </message>
    <message>
        <source>Export failed; nothing was written.
%1</source>
        <translation>导出失败；未写入任何内容。
%1</translation>
    </message>
    <message>
        <source>Serving on %1 — for example:</source>
        <translation>正在 %1 上提供服务 — 例如：</translation>
    </message>
    <message>
        <source>Stop Serving</source>
        <translation>停止服务</translation>
    </message>
    <message>
        <source>Could not serve %1: %2</source>
        <translation>无法为 %1 提供服务：%2</translation>
    </message>
    <message>
        <source>Stopped serving.</source>
        <translation>已停止服务。</translation>
    </message>
</context>
<context>
    <name>cradle::GenerationPlayground</name>
    <message>
        <source>A prompt to continue (a chat model answers it)</source>
        <translation>要续写的提示（对话模型会回答它）</translation>
    </message>
    <message>
        <source>Temperature</source>
        <translation>温度</translation>
    </message>
    <message>
        <source>0 picks the likeliest token every time; higher is more varied</source>
        <translation>0 每次都选最可能的词元；越高越多样</translation>
    </message>
    <message>
        <source>Top-k</source>
        <translation>Top-k</translation>
    </message>
    <message>
        <source>Keep only the k likeliest tokens (0: all)</source>
        <translation>只保留最可能的 k 个词元（0：全部）</translation>
    </message>
    <message>
        <source>Top-p</source>
        <translation>Top-p</translation>
    </message>
    <message>
        <source>Keep the fewest likeliest tokens whose probability reaches p</source>
        <translation>保留概率之和达到 p 的最少的最可能词元</translation>
    </message>
    <message>
        <source>Repetition penalty</source>
        <translation>重复惩罚</translation>
    </message>
    <message>
        <source>Above 1 discourages tokens already in the text</source>
        <translation>大于 1 时抑制文本中已出现的词元</translation>
    </message>
    <message>
        <source>Max tokens</source>
        <translation>最大词元数</translation>
    </message>
    <message>
        <source>The longest continuation</source>
        <translation>续写的最大长度</translation>
    </message>
    <message>
        <source>Seed</source>
        <translation>随机种子</translation>
    </message>
    <message>
        <source>The same seed and settings give the same text</source>
        <translation>相同的种子和设置生成相同的文本</translation>
    </message>
    <message>
        <source>Generate</source>
        <translation>生成</translation>
    </message>
    <message>
        <source>Stop</source>
        <translation>停止</translation>
    </message>
    <message>
        <source>No language model loaded.</source>
        <translation>未加载语言模型。</translation>
    </message>
    <message>
        <source>Generating…</source>
        <translation>正在生成…</translation>
    </message>
    <message>
        <source>Failed: %1</source>
        <translation>失败：%1</translation>
    </message>
    <message>
        <source>1 token</source>
        <translation>1 个词元</translation>
    </message>
    <message>
        <source>%1 tokens</source>
        <translation>%1 个词元</translation>
    </message>
    <message>
        <source>%1, %2 tokens/s; finished: %3</source>
        <translation>%1，%2 词元/秒；结束原因：%3</translation>
    </message>
</context>
<context>
    <name>cradle::HyperparametersPage</name>
    <message>
        <source>Hyperparameters</source>
        <translation>超参数</translation>
    </message>
    <message>
        <source>How the model is trained. Hover over a field to see what it does.</source>
        <translation>模型如何训练。将鼠标悬停在字段上可查看其作用。</translation>
    </message>
    <message>
        <source>optimizer step</source>
        <translation>优化器步数</translation>
    </message>
    <message>
        <source>learning rate</source>
        <translation>学习率</translation>
    </message>
    <message>
        <source>Training</source>
        <translation>训练</translation>
    </message>
    <message>
        <source>Epochs:</source>
        <translation>轮数：</translation>
    </message>
    <message>
        <source>Passes over the training split.</source>
        <translation>遍历训练集的次数。</translation>
    </message>
    <message>
        <source>Batch size:</source>
        <translation>批大小：</translation>
    </message>
    <message>
        <source>Samples per forward pass (a micro-batch when accumulating). Larger: faster, more memory.</source>
        <translation>每次前向传播的样本数（梯度累积时为微批）。越大越快，内存占用越多。</translation>
    </message>
    <message>
        <source>Gradient accumulation:</source>
        <translation>梯度累积：</translation>
    </message>
    <message>
        <source>Micro-batches summed per optimizer step: a larger effective batch in the same memory.</source>
        <translation>每个优化器步骤累加的微批数：在相同内存下获得更大的有效批。</translation>
    </message>
    <message>
        <source>Loss:</source>
        <translation>损失：</translation>
    </message>
    <message>
        <source>Mean squared or mean absolute error.</source>
        <translation>均方误差或平均绝对误差。</translation>
    </message>
    <message>
        <source>mean squared error</source>
        <translation>均方误差</translation>
    </message>
    <message>
        <source>mean absolute error</source>
        <translation>平均绝对误差</translation>
    </message>
    <message>
        <source>Precision:</source>
        <translation>精度：</translation>
    </message>
    <message>
        <source>bfloat16 runs the forward pass in half precision where the processor supports it: faster, slightly less exact.</source>
        <translation>bfloat16 在处理器支持时以半精度运行前向传播：更快，精度略低。</translation>
    </message>
    <message>
        <source>Optimizer</source>
        <translation>优化器</translation>
    </message>
    <message>
        <source>Optimizer:</source>
        <translation>优化器：</translation>
    </message>
    <message>
        <source>The update rule. Adam and AdamW suit most models; SGD with momentum suits CNNs.</source>
        <translation>更新规则。Adam 和 AdamW 适合大多数模型；带动量的 SGD 适合 CNN。</translation>
    </message>
    <message>
        <source>Learning rate:</source>
        <translation>学习率：</translation>
    </message>
    <message>
        <source>Size of each update; the schedule scales it over the run.</source>
        <translation>每次更新的幅度；学习率调度会在训练过程中缩放它。</translation>
    </message>
    <message>
        <source>Momentum:</source>
        <translation>动量：</translation>
    </message>
    <message>
        <source>Share of the previous update carried into the next.</source>
        <translation>上一次更新延续到下一次的比例。</translation>
    </message>
    <message>
        <source>Nesterov:</source>
        <translation>Nesterov：</translation>
    </message>
    <message>
        <source>Look-ahead momentum.</source>
        <translation>前瞻动量。</translation>
    </message>
    <message>
        <source>Betas:</source>
        <translation>Betas：</translation>
    </message>
    <message>
        <source>Decay of the gradient&apos;s running mean and of its square (two numbers).</source>
        <translation>梯度滑动平均及其平方的衰减（两个数）。</translation>
    </message>
    <message>
        <source>Epsilon:</source>
        <translation>Epsilon：</translation>
    </message>
    <message>
        <source>Added to denominators for numerical safety.</source>
        <translation>加到分母上以保证数值稳定。</translation>
    </message>
    <message>
        <source>Rho:</source>
        <translation>Rho：</translation>
    </message>
    <message>
        <source>Decay of Adadelta&apos;s running averages.</source>
        <translation>Adadelta 滑动平均的衰减。</translation>
    </message>
    <message>
        <source>Alpha:</source>
        <translation>Alpha：</translation>
    </message>
    <message>
        <source>Decay of RMSprop&apos;s squared-gradient average.</source>
        <translation>RMSprop 梯度平方平均的衰减。</translation>
    </message>
    <message>
        <source>Weight decay (L2):</source>
        <translation>权重衰减（L2）：</translation>
    </message>
    <message>
        <source>Pulls weights towards zero; decoupled from the gradient for AdamW.</source>
        <translation>将权重拉向零；AdamW 中与梯度解耦。</translation>
    </message>
    <message>
        <source>Regularisation</source>
        <translation>正则化</translation>
    </message>
    <message>
        <source>L1 penalty:</source>
        <translation>L1 惩罚：</translation>
    </message>
    <message>
        <source>Pushes weights to exactly zero (sparser models).</source>
        <translation>把权重推向恰好为零（更稀疏的模型）。</translation>
    </message>
    <message>
        <source>Label smoothing:</source>
        <translation>标签平滑：</translation>
    </message>
    <message>
        <source>Share of the target spread over the other classes: less over-confident predictions.</source>
        <translation>分给其他类别的目标比例：预测不那么过度自信。</translation>
    </message>
    <message>
        <source>Gradient clipping:</source>
        <translation>梯度裁剪：</translation>
    </message>
    <message>
        <source>The largest gradient norm applied; 0 turns clipping off. Steadies transformers and RNNs.</source>
        <translation>允许的最大梯度范数；0 表示关闭。可稳定 Transformer 和 RNN 的训练。</translation>
    </message>
    <message>
        <source>Learning-rate schedule</source>
        <translation>学习率调度</translation>
    </message>
    <message>
        <source>Schedule:</source>
        <translation>调度：</translation>
    </message>
    <message>
        <source>How the learning rate moves over the run; the plot shows it.</source>
        <translation>学习率在训练中如何变化；图中显示。</translation>
    </message>
    <message>
        <source>constant</source>
        <translation>常数</translation>
    </message>
    <message>
        <source>step decay</source>
        <translation>阶梯衰减</translation>
    </message>
    <message>
        <source>exponential decay</source>
        <translation>指数衰减</translation>
    </message>
    <message>
        <source>cosine</source>
        <translation>余弦</translation>
    </message>
    <message>
        <source>linear decay</source>
        <translation>线性衰减</translation>
    </message>
    <message>
        <source>one cycle</source>
        <translation>单周期</translation>
    </message>
    <message>
        <source>cut on plateau</source>
        <translation>平台期降低</translation>
    </message>
    <message>
        <source>Warm-up steps:</source>
        <translation>预热步数：</translation>
    </message>
    <message>
        <source>Steps rising linearly from 0 to the learning rate first.</source>
        <translation>开始时从 0 线性升到学习率的步数。</translation>
    </message>
    <message>
        <source>Every N epochs:</source>
        <translation>每 N 轮：</translation>
    </message>
    <message>
        <source>Step decay: epochs between cuts.</source>
        <translation>阶梯衰减：两次降低之间的轮数。</translation>
    </message>
    <message>
        <source>Gamma:</source>
        <translation>Gamma：</translation>
    </message>
    <message>
        <source>The factor applied at each cut (step) or each epoch (exponential).</source>
        <translation>每次降低（阶梯）或每轮（指数）乘上的因子。</translation>
    </message>
    <message>
        <source>Final rate:</source>
        <translation>最终学习率：</translation>
    </message>
    <message>
        <source>Where the cosine or linear decay ends; the floor for plateau cuts.</source>
        <translation>余弦或线性衰减的终点；平台期降低的下限。</translation>
    </message>
    <message>
        <source>Rising share:</source>
        <translation>上升比例：</translation>
    </message>
    <message>
        <source>One cycle: share of the run spent rising.</source>
        <translation>单周期：用于上升的训练比例。</translation>
    </message>
    <message>
        <source>Start divisor:</source>
        <translation>起始除数：</translation>
    </message>
    <message>
        <source>One cycle: starts at the rate divided by this.</source>
        <translation>单周期：从学习率除以此值开始。</translation>
    </message>
    <message>
        <source>Final divisor:</source>
        <translation>最终除数：</translation>
    </message>
    <message>
        <source>One cycle: ends at the start rate divided by this.</source>
        <translation>单周期：以起始学习率除以此值结束。</translation>
    </message>
    <message>
        <source>Cut factor:</source>
        <translation>降低因子：</translation>
    </message>
    <message>
        <source>Plateau: the rate is multiplied by this...</source>
        <translation>平台期：学习率乘以此值……</translation>
    </message>
    <message>
        <source>Patience:</source>
        <translation>耐心：</translation>
    </message>
    <message>
        <source>...after this many epochs without a better validation loss.</source>
        <translation>……在验证损失连续这么多轮没有改善之后。</translation>
    </message>
    <message>
        <source>Improvement:</source>
        <translation>改善量：</translation>
    </message>
    <message>
        <source>Plateau: the smallest change that counts as better.</source>
        <translation>平台期：被视为改善的最小变化。</translation>
    </message>
    <message>
        <source>Early stopping</source>
        <translation>提前停止</translation>
    </message>
    <message>
        <source>Stop early:</source>
        <translation>提前停止：</translation>
    </message>
    <message>
        <source>Stop when the validation metric stops improving and keep the best epoch&apos;s weights.</source>
        <translation>验证指标不再改善时停止，并保留最佳一轮的权重。</translation>
    </message>
    <message>
        <source>Watch:</source>
        <translation>监视：</translation>
    </message>
    <message>
        <source>The validation metric that must improve.</source>
        <translation>必须改善的验证指标。</translation>
    </message>
    <message>
        <source>validation loss</source>
        <translation>验证损失</translation>
    </message>
    <message>
        <source>validation accuracy</source>
        <translation>验证准确率</translation>
    </message>
    <message>
        <source>validation MAE</source>
        <translation>验证 MAE</translation>
    </message>
    <message>
        <source>validation RMSE</source>
        <translation>验证 RMSE</translation>
    </message>
    <message>
        <source>validation R²</source>
        <translation>验证 R²</translation>
    </message>
    <message>
        <source>Epochs without improvement before stopping.</source>
        <translation>停止前允许没有改善的轮数。</translation>
    </message>
    <message>
        <source>Smaller changes are not improvements.</source>
        <translation>更小的变化不算改善。</translation>
    </message>
    <message>
        <source>Restore best:</source>
        <translation>恢复最佳：</translation>
    </message>
    <message>
        <source>End with the best epoch&apos;s weights.</source>
        <translation>以最佳一轮的权重结束。</translation>
    </message>
    <message>
        <source>Run</source>
        <translation>运行</translation>
    </message>
    <message>
        <source>Seed:</source>
        <translation>随机种子：</translation>
    </message>
    <message>
        <source>Same seed, same threads: the same run, number for number.</source>
        <translation>相同种子、相同线程数：完全相同的运行结果。</translation>
    </message>
    <message>
        <source>Threads:</source>
        <translation>线程数：</translation>
    </message>
    <message>
        <source>Processor threads for training; 0 uses every core.</source>
        <translation>训练使用的处理器线程；0 表示使用全部核心。</translation>
    </message>
    <message>
        <source>Device:</source>
        <translation>设备：</translation>
    </message>
    <message>
        <source>Where training runs; auto takes a CUDA GPU when there is one.</source>
        <translation>训练在哪里运行；自动会在有 CUDA GPU 时使用它。</translation>
    </message>
    <message>
        <source>processor (CPU)</source>
        <translation>处理器（CPU）</translation>
    </message>
    <message>
        <source>GPU (CUDA)</source>
        <translation>GPU（CUDA）</translation>
    </message>
    <message>
        <source>automatic</source>
        <translation>自动</translation>
    </message>
    <message>
        <source>Loader threads:</source>
        <translation>加载线程：</translation>
    </message>
    <message>
        <source>Background threads preparing batches; &quot;auto&quot; uses one when it helps, 0 none.</source>
        <translation>准备批次的后台线程；“auto” 在有帮助时使用一个，0 表示不使用。</translation>
    </message>
    <message>
        <source>Prefetched batches:</source>
        <translation>预取批次：</translation>
    </message>
    <message>
        <source>Batches prepared ahead of the training step.</source>
        <translation>在训练步骤之前预先准备的批次数。</translation>
    </message>
    <message>
        <source>Cache prepared data:</source>
        <translation>缓存准备好的数据：</translation>
    </message>
    <message>
        <source>Keep decoded data for the next run of the same settings.</source>
        <translation>为相同设置的下一次运行保留解码后的数据。</translation>
    </message>
    <message>
        <source>Log every:</source>
        <translation>日志间隔：</translation>
    </message>
    <message>
        <source>Optimizer steps between training-metric lines.</source>
        <translation>两行训练指标之间的优化器步数。</translation>
    </message>
    <message>
        <source>Checkpoints kept:</source>
        <translation>保留检查点：</translation>
    </message>
    <message>
        <source>The newest epoch checkpoints kept on disk.</source>
        <translation>磁盘上保留的最新轮次检查点数。</translation>
    </message>
    <message>
        <source>Evaluation batch:</source>
        <translation>评估批大小：</translation>
    </message>
    <message>
        <source>Samples per batch when validating and testing.</source>
        <translation>验证和测试时每批的样本数。</translation>
    </message>
    <message>
        <source>The plot appears once the settings are valid.</source>
        <translation>设置有效后将显示曲线。</translation>
    </message>
    <message>
        <source>%1 epochs of %2 steps (%3 training samples%4, %5 per step).</source>
        <translation>%1 轮，每轮 %2 步（%3 个训练样本%4，每步 %5 个）。</translation>
    </message>
    <message>
        <source>, assumed until the data is read</source>
        <translation>，读取数据前为估计值</translation>
    </message>
    <message>
        <source> The rate is cut further whenever the validation loss stalls.</source>
        <translation> 每当验证损失停滞时，学习率会进一步降低。</translation>
    </message>
    <message>
        <source>Find Learning Rate</source>
        <translation>寻找学习率</translation>
    </message>
    <message>
        <source>Train a scratch copy of the model for 100 steps while the rate grows from 1e-7 to 10, plot the loss and fill in a tenth of the rate where it is lowest. The experiment&apos;s runs are not touched.</source>
        <translation>在学习率从 1e-7 增长到 10 的同时，用模型的临时副本训练 100 步，绘制损失曲线，并填入损失最低处学习率的十分之一。不会改动该实验的任何运行。</translation>
    </message>
    <message>
        <source>training loss</source>
        <translation>训练损失</translation>
    </message>
    <message>
        <source>The experiment is not valid yet: %1</source>
        <translation>实验尚未有效：%1</translation>
    </message>
    <message>
        <source>Stop</source>
        <translation>停止</translation>
    </message>
    <message>
        <source>Preparing the data and a scratch copy of the model…</source>
        <translation>正在准备数据和模型的临时副本……</translation>
    </message>
    <message>
        <source>No suggestion: the loss did not fall between %1 and %2 in %3 steps.</source>
        <translation>没有建议：在 %3 步内，学习率从 %1 到 %2 之间损失没有下降。</translation>
    </message>
    <message>
        <source>Suggested learning rate %1: %2. Filled in (it was %3; Undo restores it). %4 steps in %5 s%6.</source>
        <translation>建议学习率 %1：%2。已填入（原为 %3；撤销可恢复）。%4 步，用时 %5 秒%6。</translation>
    </message>
    <message>
        <source>, ended when the loss diverged</source>
        <translation>，在损失发散时结束</translation>
    </message>
    <message>
        <source>Rate %1: loss %2</source>
        <translation>学习率 %1：损失 %2</translation>
    </message>
    <message>
        <source>1 epoch of %2 steps (%3 training samples%4, %5 per step).</source>
        <translation>1 轮，每轮 %2 步（%3 个训练样本%4，每步 %5 个）。</translation>
    </message>
    <message>
        <source> Training metrics are logged every %1 steps (at least %2 points an epoch, though Log every is %3).</source>
        <translation> 训练指标每 %1 步记录一次（每轮至少 %2 个点，尽管“记录间隔”为 %3）。</translation>
    </message>
    <message>
        <source> Training metrics are logged every %1 steps.</source>
        <translation> 训练指标每 %1 步记录一次。</translation>
    </message>
    <message>
        <source>LoRA:</source>
        <translation>LoRA：</translation>
    </message>
    <message>
        <source>Train small low-rank adapters on the attention and MLP projections and keep the model&apos;s own weights frozen: a fraction of the memory (a Hugging Face model folder, or a run tuned from one).</source>
        <translation>在注意力和 MLP 投影上训练小的低秩适配器，模型自身的权重保持冻结：只需一小部分内存（Hugging Face 模型文件夹，或由其微调的运行）。</translation>
    </message>
    <message>
        <source>LoRA rank:</source>
        <translation>LoRA 秩：</translation>
    </message>
    <message>
        <source>The adapters&apos; inner size: larger learns more and costs more.</source>
        <translation>适配器的内部维度：越大学得越多，开销也越大。</translation>
    </message>
    <message>
        <source>LoRA alpha:</source>
        <translation>LoRA alpha：</translation>
    </message>
    <message>
        <source>The adapters&apos; scale is alpha / rank.</source>
        <translation>适配器的缩放为 alpha / 秩。</translation>
    </message>
    <message>
        <source>LoRA dropout:</source>
        <translation>LoRA 丢弃率：</translation>
    </message>
    <message>
        <source>Share of the adapters&apos; inputs zeroed while training.</source>
        <translation>训练时适配器输入被置零的比例。</translation>
    </message>
    <message>
        <source>Gradient checkpointing:</source>
        <translation>梯度检查点：</translation>
    </message>
    <message>
        <source>Recompute each layer&apos;s activations in the backward pass instead of keeping them: much less memory at long contexts, about a third more time.</source>
        <translation>在反向传播中重新计算每层的激活而不是保存它们：长上下文时内存少得多，时间约多三分之一。</translation>
    </message>
</context>
<context>
    <name>cradle::LogPanel</name>
    <message>
        <source>Show:</source>
        <translation>显示：</translation>
    </message>
    <message>
        <source>Everything</source>
        <translation>全部</translation>
    </message>
    <message>
        <source>Warnings and errors</source>
        <translation>警告和错误</translation>
    </message>
    <message>
        <source>Errors</source>
        <translation>错误</translation>
    </message>
</context>
<context>
    <name>cradle::MainWindow</name>
    <message>
        <source>Cradle</source>
        <translation>Cradle</translation>
    </message>
    <message>
        <source>Experiment</source>
        <translation>实验</translation>
    </message>
    <message>
        <source>Experiment file</source>
        <translation>实验文件</translation>
    </message>
    <message>
        <source>No experiment open</source>
        <translation>未打开实验</translation>
    </message>
    <message>
        <source>Projects</source>
        <translation>项目</translation>
    </message>
    <message>
        <source>Runs</source>
        <translation>运行记录</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>文件(&amp;F)</translation>
    </message>
    <message>
        <source>&amp;Open Experiment...</source>
        <translation>打开实验(&amp;O)...</translation>
    </message>
    <message>
        <source>Open &amp;Recent</source>
        <translation>最近打开(&amp;R)</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>退出(&amp;Q)</translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation>视图(&amp;V)</translation>
    </message>
    <message>
        <source>Re&amp;fresh Projects and Runs</source>
        <translation>刷新项目和运行记录(&amp;F)</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>帮助(&amp;H)</translation>
    </message>
    <message>
        <source>&amp;About Cradle</source>
        <translation>关于 Cradle(&amp;A)</translation>
    </message>
    <message>
        <source>Could not open %1</source>
        <translation>无法打开 %1</translation>
    </message>
    <message>
        <source>%1 - Cradle</source>
        <translation>%1 - Cradle</translation>
    </message>
    <message>
        <source>Task:</source>
        <translation>任务：</translation>
    </message>
    <message>
        <source>Data:</source>
        <translation>数据：</translation>
    </message>
    <message>
        <source>%1 files, %2% held out for validation</source>
        <translation>%1 文件，留出 %2% 用于验证</translation>
    </message>
    <message>
        <source>Classes:</source>
        <translation>类别：</translation>
    </message>
    <message>
        <source>from the labels</source>
        <translation>来自标签</translation>
    </message>
    <message>
        <source>Model:</source>
        <translation>模型：</translation>
    </message>
    <message>
        <source>Optimizer:</source>
        <translation>优化器：</translation>
    </message>
    <message>
        <source>%1, learning rate %2</source>
        <translation>%1，学习率 %2</translation>
    </message>
    <message>
        <source>Schedule:</source>
        <translation>训练计划：</translation>
    </message>
    <message>
        <source>%1 epochs, batch %2</source>
        <translation>%1 轮，批大小 %2</translation>
    </message>
    <message>
        <source>Seed:</source>
        <translation>随机种子：</translation>
    </message>
    <message>
        <source>Opened %1</source>
        <translation>已打开 %1</translation>
    </message>
    <message>
        <source>Open Experiment</source>
        <translation>打开实验</translation>
    </message>
    <message>
        <source>Experiment files (*.json)</source>
        <translation>实验文件 (*.json)</translation>
    </message>
    <message>
        <source>About Cradle</source>
        <translation>关于 Cradle</translation>
    </message>
    <message>
        <source>&lt;b&gt;Cradle %1&lt;/b&gt;&lt;p&gt;A desktop studio for training neural networks, built on Qt and LibTorch.&lt;/p&gt;</source>
        <translation>&lt;b&gt;Cradle %1&lt;/b&gt;&lt;p&gt;训练神经网络的桌面工作室，基于 Qt 和 LibTorch 构建。&lt;/p&gt;</translation>
    </message>
    <message>
        <source>&amp;Language</source>
        <translation>语言(&amp;L)</translation>
    </message>
    <message>
        <source>As the System</source>
        <translation>跟随系统</translation>
    </message>
    <message>
        <source>The language changes at the next start</source>
        <translation>语言将在下次启动时更改</translation>
    </message>
    <message>
        <source>Training</source>
        <translation>训练</translation>
    </message>
    <message>
        <source>Log</source>
        <translation>日志</translation>
    </message>
    <message>
        <source>&amp;New Experiment...</source>
        <translation>新建实验(&amp;N)……</translation>
    </message>
    <message>
        <source>Create an experiment step by step (Ctrl+N)</source>
        <translation>逐步创建一个实验（Ctrl+N）</translation>
    </message>
    <message>
        <source>&amp;Edit Experiment...</source>
        <translation>编辑实验(&amp;E)……</translation>
    </message>
    <message>
        <source>Change the open experiment in the wizard (Ctrl+E)</source>
        <translation>在向导中修改打开的实验（Ctrl+E）</translation>
    </message>
    <message>
        <source>Save Experiment &amp;As...</source>
        <translation>实验另存为(&amp;A)……</translation>
    </message>
    <message>
        <source>Save Experiment As</source>
        <translation>实验另存为</translation>
    </message>
    <message>
        <source>&amp;Duplicate Experiment</source>
        <translation>复制实验(&amp;D)</translation>
    </message>
    <message>
        <source>&amp;Train</source>
        <translation>训练(&amp;T)</translation>
    </message>
    <message>
        <source>Train the open experiment (Ctrl+T)</source>
        <translation>训练打开的实验（Ctrl+T）</translation>
    </message>
    <message>
        <source>&amp;Stop</source>
        <translation>停止(&amp;S)</translation>
    </message>
    <message>
        <source>Stop at the next step, with a checkpoint to resume from (Ctrl+.)</source>
        <translation>在下一步停止，并保存可用于恢复的检查点（Ctrl+.）</translation>
    </message>
    <message>
        <source>&amp;Preferences...</source>
        <translation>首选项(&amp;P)……</translation>
    </message>
    <message>
        <source>Main</source>
        <translation>主工具栏</translation>
    </message>
    <message>
        <source>&amp;Edit</source>
        <translation>编辑(&amp;E)</translation>
    </message>
    <message>
        <source>&amp;Run</source>
        <translation>运行(&amp;R)</translation>
    </message>
    <message>
        <source>Train it with Train (Ctrl+T), or from a terminal:
cradle-cli train %1</source>
        <translation>点击“训练”（Ctrl+T）训练，或在终端中运行：
cradle-cli train %1</translation>
    </message>
    <message>
        <source>Edit Experiment</source>
        <translation>编辑实验</translation>
    </message>
    <message>
        <source>Training %1 (%2)</source>
        <translation>正在训练 %1（%2）</translation>
    </message>
    <message>
        <source>Stopping at the next step...</source>
        <translation>将在下一步停止……</translation>
    </message>
    <message>
        <source>Training finished: %1</source>
        <translation>训练完成：%1</translation>
    </message>
    <message>
        <source>Training stopped: %1</source>
        <translation>训练已停止：%1</translation>
    </message>
    <message>
        <source>Training failed: %1</source>
        <translation>训练失败：%1</translation>
    </message>
    <message>
        <source>Preferences saved</source>
        <translation>首选项已保存</translation>
    </message>
    <message>
        <source>Paused after step %1</source>
        <translation>已在第 %1 步后暂停</translation>
    </message>
    <message>
        <source>Resumed at step %1</source>
        <translation>已从第 %1 步继续</translation>
    </message>
    <message>
        <source>Training %1: epoch %2, step %3 of %4</source>
        <translation>正在训练 %1：第 %2 轮，第 %3/%4 步</translation>
    </message>
    <message>
        <source>&amp;Pause</source>
        <translation>暂停(&amp;P)</translation>
    </message>
    <message>
        <source>Hold training at the next step (F6)</source>
        <translation>在下一步暂停训练（F6）</translation>
    </message>
    <message>
        <source>Res&amp;ume</source>
        <translation>继续(&amp;U)</translation>
    </message>
    <message>
        <source>Go on training (F7)</source>
        <translation>继续训练（F7）</translation>
    </message>
    <message>
        <source>Save &amp;Checkpoint</source>
        <translation>保存检查点(&amp;C)</translation>
    </message>
    <message>
        <source>Save a checkpoint at the next step, to resume from later (Ctrl+Shift+K)</source>
        <translation>在下一步保存检查点，以便之后从此继续（Ctrl+Shift+K）</translation>
    </message>
    <message>
        <source>Resume Stopped Run...</source>
        <translation>继续已停止的运行……</translation>
    </message>
    <message>
        <source>Continue a stopped run from its newest checkpoint</source>
        <translation>从最新的检查点继续已停止的运行</translation>
    </message>
    <message>
        <source>Resume Stopped Run</source>
        <translation>继续已停止的运行</translation>
    </message>
    <message>
        <source>&amp;Watch Run Folder...</source>
        <translation>观察运行文件夹(&amp;W)……</translation>
    </message>
    <message>
        <source>Follow any run folder&apos;s curves as it trains, from this window or cradle-cli (Ctrl+Shift+W)</source>
        <translation>在任意运行文件夹训练时跟踪其曲线，无论它来自本窗口还是 cradle-cli（Ctrl+Shift+W）</translation>
    </message>
    <message>
        <source>Watch Run Folder</source>
        <translation>观察运行文件夹</translation>
    </message>
    <message>
        <source>&amp;Compare with Run...</source>
        <translation>与运行对比(&amp;C)……</translation>
    </message>
    <message>
        <source>Overlay another run&apos;s curves on the dashboard</source>
        <translation>在仪表板上叠加另一次运行的曲线</translation>
    </message>
    <message>
        <source>Compare with Run</source>
        <translation>与运行对比</translation>
    </message>
    <message>
        <source>%1 has no metrics to compare</source>
        <translation>%1 没有可对比的指标</translation>
    </message>
    <message>
        <source>&amp;Export Charts...</source>
        <translation>导出图表(&amp;E)……</translation>
    </message>
    <message>
        <source>Save every chart as PNG and PDF, and its data as CSV, into a folder</source>
        <translation>将每个图表保存为 PNG 和 PDF，并将其数据保存为 CSV，放入一个文件夹</translation>
    </message>
    <message>
        <source>Export Charts</source>
        <translation>导出图表</translation>
    </message>
    <message>
        <source>Charts saved in %1</source>
        <translation>图表已保存到 %1</translation>
    </message>
    <message>
        <source>Could not write the charts to %1</source>
        <translation>无法将图表写入 %1</translation>
    </message>
    <message>
        <source>Training %1: reading the data and building the model...</source>
        <translation>正在训练 %1：正在读取数据并构建模型……</translation>
    </message>
    <message>
        <source>Resuming %1</source>
        <translation>正在继续 %1</translation>
    </message>
    <message>
        <source>Watching %1</source>
        <translation>正在观察 %1</translation>
    </message>
    <message>
        <source>Rate</source>
        <translation>评分</translation>
    </message>
    <message>
        <source>%1 is open; train it when the current training ends</source>
        <translation>已打开 %1；当前训练结束后再训练它</translation>
    </message>
    <message>
        <source>&amp;Rate Responses</source>
        <translation>为回答评分(&amp;R)</translation>
    </message>
    <message>
        <source>Compare two replies per prompt and label which is better; the labels train a reward model, DPO or PPO</source>
        <translation>比较每个提示的两个回答并标注哪个更好；这些标注用于训练奖励模型、DPO 或 PPO</translation>
    </message>
    <message>
        <source>the model of %1</source>
        <translation>%1 的模型</translation>
    </message>
    <message>
        <source>Stage:</source>
        <translation>阶段：</translation>
    </message>
    <message>
        <source>%1, from %2</source>
        <translation>%1，起点 %2</translation>
    </message>
    <message>
        <source>Model</source>
        <translation>模型</translation>
    </message>
    <message>
        <source>Open Model &amp;Bundle...</source>
        <translation>打开模型包(&amp;B)...</translation>
    </message>
    <message>
        <source>Open Model Bundle</source>
        <translation>打开模型包</translation>
    </message>
    <message>
        <source>Model bundles (bundle.json *.cradle);;All files (*)</source>
        <translation>模型包 (bundle.json *.cradle);;所有文件 (*)</translation>
    </message>
    <message>
        <source>Open a model exported with cradle-cli export (a folder&apos;s bundle.json or a .cradle file) and try it</source>
        <translation>打开用 cradle-cli export 导出的模型（文件夹中的 bundle.json 或 .cradle 文件）并试用</translation>
    </message>
    <message>
        <source>Opened model bundle %1</source>
        <translation>已打开模型包 %1</translation>
    </message>
    <message>
        <source>Evaluate</source>
        <translation>评估</translation>
    </message>
    <message>
        <source>&amp;Export Model...</source>
        <translation>导出模型(&amp;E)...</translation>
    </message>
    <message>
        <source>Hand a finished run over as a model bundle (with ONNX if wanted) and serve it over HTTP</source>
        <translation>将已完成的运行导出为模型包（可选 ONNX），并通过 HTTP 提供服务</translation>
    </message>
    <message>
        <source>Compress</source>
        <translation>压缩</translation>
    </message>
    <message>
        <source>Sweep</source>
        <translation>超参数搜索</translation>
    </message>
    <message>
        <source>the Hugging Face model in %1</source>
        <translation>%1 中的 Hugging Face 模型</translation>
    </message>
    <message>
        <source>LoRA adapters (rank %1, alpha %2), the rest frozen</source>
        <translation>LoRA 适配器（秩 %1，alpha %2），其余冻结</translation>
    </message>
    <message>
        <source>gradient checkpointing</source>
        <translation>梯度检查点</translation>
    </message>
    <message>
        <source>Tuning:</source>
        <translation>微调：</translation>
    </message>
    <message>
        <source>1 epoch, batch %1</source>
        <translation>1 轮，批大小 %1</translation>
    </message>
    <message>
        <source>Open Hugging Face Model &amp;Folder...</source>
        <translation>打开 Hugging Face 模型文件夹(&amp;F)...</translation>
    </message>
    <message>
        <source>Open Hugging Face Model Folder</source>
        <translation>打开 Hugging Face 模型文件夹</translation>
    </message>
    <message>
        <source>Opened model folder %1</source>
        <translation>已打开模型文件夹 %1</translation>
    </message>
    <message>
        <source>Open a model downloaded from the Hugging Face Hub (config.json, model.safetensors, tokenizer.json), or an ImageNet backbone (model.safetensors in torchvision&apos;s names), and try it before tuning it</source>
        <translation>打开从 Hugging Face Hub 下载的模型（config.json、model.safetensors、tokenizer.json），或 ImageNet 骨干网络（按 torchvision 命名的 model.safetensors），在调优前先试用</translation>
    </message>
</context>
<context>
    <name>cradle::MetricsChart</name>
    <message>
        <source>Export Chart</source>
        <translation>导出图表</translation>
    </message>
    <message>
        <source>Save as PNG...</source>
        <translation>另存为 PNG……</translation>
    </message>
    <message>
        <source>PNG images (*.png)</source>
        <translation>PNG 图像 (*.png)</translation>
    </message>
    <message>
        <source>Save as PDF...</source>
        <translation>另存为 PDF……</translation>
    </message>
    <message>
        <source>PDF documents (*.pdf)</source>
        <translation>PDF 文档 (*.pdf)</translation>
    </message>
    <message>
        <source>Save Data as CSV...</source>
        <translation>将数据另存为 CSV……</translation>
    </message>
    <message>
        <source>CSV files (*.csv)</source>
        <translation>CSV 文件 (*.csv)</translation>
    </message>
    <message>
        <source>Autoscale</source>
        <translation>自动缩放</translation>
    </message>
</context>
<context>
    <name>cradle::PreferencesDialog</name>
    <message>
        <source>Preferences</source>
        <translation>首选项</translation>
    </message>
    <message>
        <source>New experiments are saved here, and runs under its runs/ folder.</source>
        <translation>新实验保存在这里，运行结果保存在其 runs/ 文件夹下。</translation>
    </message>
    <message>
        <source>Browse...</source>
        <translation>浏览……</translation>
    </message>
    <message>
        <source>Workspace</source>
        <translation>工作区</translation>
    </message>
    <message>
        <source>Workspace:</source>
        <translation>工作区：</translation>
    </message>
    <message>
        <source>As the System</source>
        <translation>跟随系统</translation>
    </message>
    <message>
        <source>Language:</source>
        <translation>语言：</translation>
    </message>
    <message>
        <source>The language changes at the next start.</source>
        <translation>语言将在下次启动时更改。</translation>
    </message>
    <message>
        <source>As the Desktop</source>
        <translation>跟随桌面</translation>
    </message>
    <message>
        <source>Light</source>
        <translation>浅色</translation>
    </message>
    <message>
        <source>Dark</source>
        <translation>深色</translation>
    </message>
    <message>
        <source>Colours:</source>
        <translation>配色：</translation>
    </message>
</context>
<context>
    <name>cradle::ProjectExplorer</name>
    <message>
        <source>Sample projects</source>
        <translation>示例项目</translation>
    </message>
    <message>
        <source>Workspace</source>
        <translation>工作区</translation>
    </message>
    <message>
        <source>(no projects)</source>
        <translation>（没有项目）</translation>
    </message>
    <message>
        <source>%1 (%2)</source>
        <translation>%1（%2）</translation>
    </message>
</context>
<context>
    <name>cradle::RatingPanel</name>
    <message>
        <source>no rating</source>
        <translation>不评分</translation>
    </message>
    <message>
        <source>Optional: how good this reply is on its own, 1 (bad) to 7 (excellent)</source>
        <translation>可选：单看这个回答有多好，1（差）到 7（极好）</translation>
    </message>
    <message>
        <source>What to rate</source>
        <translation>评什么</translation>
    </message>
    <message>
        <source>Show which run wrote each reply</source>
        <translation>显示每个回答来自哪个运行</translation>
    </message>
    <message>
        <source>Choose other prompts, runs or annotator</source>
        <translation>选择其他提示、运行或标注者</translation>
    </message>
    <message>
        <source>Rating:</source>
        <translation>评分：</translation>
    </message>
    <message>
        <source>Optional comment (click to type; Enter returns to the keys)</source>
        <translation>可选备注（点击输入；按回车返回快捷键）</translation>
    </message>
    <message>
        <source>Left is better (1 / A)</source>
        <translation>左边更好 (1 / A)</translation>
    </message>
    <message>
        <source>Keys 1 or A</source>
        <translation>按键 1 或 A</translation>
    </message>
    <message>
        <source>Right is better (2 / B)</source>
        <translation>右边更好 (2 / B)</translation>
    </message>
    <message>
        <source>Keys 2 or B</source>
        <translation>按键 2 或 B</translation>
    </message>
    <message>
        <source>Tie (T)</source>
        <translation>平局 (T)</translation>
    </message>
    <message>
        <source>Both equally good or bad (T)</source>
        <translation>一样好或一样差 (T)</translation>
    </message>
    <message>
        <source>Skip (S)</source>
        <translation>跳过 (S)</translation>
    </message>
    <message>
        <source>Recorded as skipped, left out of training (S)</source>
        <translation>记为跳过，不参与训练 (S)</translation>
    </message>
    <message>
        <source>Undo (Z)</source>
        <translation>撤销 (Z)</translation>
    </message>
    <message>
        <source>Take the last label back and show its item again (Z)</source>
        <translation>撤回上一个标注并重新显示该条目 (Z)</translation>
    </message>
    <message>
        <source>Next (→)</source>
        <translation>下一个 (→)</translation>
    </message>
    <message>
        <source>Go on after a label when auto-advance is off (→)</source>
        <translation>关闭自动前进时，标注后继续 (→)</translation>
    </message>
    <message>
        <source>Auto-advance</source>
        <translation>自动前进</translation>
    </message>
    <message>
        <source>Train on:</source>
        <translation>训练数据：</translation>
    </message>
    <message>
        <source>A reward model on these labels, starting from the policy run; trained in the Training tab</source>
        <translation>用这些标注从策略运行出发训练奖励模型；在“训练”标签页中训练</translation>
    </message>
    <message>
        <source>Direct preference optimisation of the policy run on these labels</source>
        <translation>用这些标注对策略运行做直接偏好优化</translation>
    </message>
    <message>
        <source>PPO of the policy run against the newest reward model, on the prompt set</source>
        <translation>在提示集上以最新的奖励模型对策略运行做 PPO</translation>
    </message>
    <message>
        <source>Rate the policy against the tuned run, blind, on prompts the tuning never saw</source>
        <translation>在调优未见过的提示上，盲评原策略与调优后的运行</translation>
    </message>
    <message>
        <source>Agreement between annotators of this set, and a merged set to train on</source>
        <translation>本集合标注者之间的一致性，以及用于训练的合并集</translation>
    </message>
    <message>
        <source>Choose the Reward Model&apos;s Run</source>
        <translation>选择奖励模型的运行</translation>
    </message>
    <message>
        <source>Choose the Tuned Run (dpo or ppo)</source>
        <translation>选择调优后的运行（dpo 或 ppo）</translation>
    </message>
    <message>
        <source>Enter the annotator&apos;s name: each annotator has their own label file.</source>
        <translation>请输入标注者姓名：每位标注者有自己的标注文件。</translation>
    </message>
    <message>
        <source>Choose a prompt file and a chat run (or two), or a file of pairs to rate.</source>
        <translation>请选择提示文件和一个（或两个）对话运行，或选择要评分的回答对文件。</translation>
    </message>
    <message>
        <source>Continuing %1: %2 items already labelled.</source>
        <translation>继续 %1：已标注 %2 个条目。</translation>
    </message>
    <message>
        <source>Labels go to %1</source>
        <translation>标注保存到 %1</translation>
    </message>
    <message>
        <source>&lt;i&gt;Writing the next candidates...&lt;/i&gt;</source>
        <translation>&lt;i&gt;正在生成下一组候选回答...&lt;/i&gt;</translation>
    </message>
    <message>
        <source>Generating candidates stopped: %1</source>
        <translation>候选回答生成已停止：%1</translation>
    </message>
    <message>
        <source>&lt;b&gt;Every item of this set is labelled.&lt;/b&gt; Train a reward model, run DPO or PPO below, or press Z to take the last label back.</source>
        <translation>&lt;b&gt;本集合的所有条目都已标注。&lt;/b&gt;可在下方训练奖励模型、运行 DPO 或 PPO，或按 Z 撤回上一个标注。</translation>
    </message>
    <message>
        <source>&lt;i&gt;(an empty reply)&lt;/i&gt;</source>
        <translation>&lt;i&gt;（空回答）&lt;/i&gt;</translation>
    </message>
    <message>
        <source>Left (1 or A)</source>
        <translation>左 (1 或 A)</translation>
    </message>
    <message>
        <source>Right (2 or B)</source>
        <translation>右 (2 或 B)</translation>
    </message>
    <message>
        <source>The label was not saved: %1</source>
        <translation>标注未保存：%1</translation>
    </message>
    <message>
        <source>Saved: %1.</source>
        <translation>已保存：%1。</translation>
    </message>
    <message>
        <source>Nothing to undo.</source>
        <translation>没有可撤销的标注。</translation>
    </message>
    <message>
        <source>Undo failed: %1</source>
        <translation>撤销失败：%1</translation>
    </message>
    <message>
        <source>a tie</source>
        <translation>平局</translation>
    </message>
    <message>
        <source>skipped</source>
        <translation>跳过</translation>
    </message>
    <message>
        <source>left better</source>
        <translation>左边更好</translation>
    </message>
    <message>
        <source>right better</source>
        <translation>右边更好</translation>
    </message>
    <message>
        <source>Took back the last label (it was: %1). Choose again.</source>
        <translation>已撤回上一个标注（原为：%1）。请重新选择。</translation>
    </message>
    <message>
        <source>Choose first: 1 or A (left), 2 or B (right), T (tie) or S (skip).</source>
        <translation>请先选择：1 或 A（左），2 或 B（右），T（平局）或 S（跳过）。</translation>
    </message>
    <message>
        <source>Choose what to rate above.</source>
        <translation>请在上方选择要评分的内容。</translation>
    </message>
    <message>
        <source>%1 of %2 labelled</source>
        <translation>已标注 %1 / %2</translation>
    </message>
    <message>
        <source>%1 per hour</source>
        <translation>每小时 %1 个</translation>
    </message>
    <message>
        <source>After vs before: nothing decided yet</source>
        <translation>调优后对调优前：尚无判定</translation>
    </message>
    <message>
        <source>After vs before: win rate %1% (%2 wins, %3 losses, %4 ties)</source>
        <translation>调优后对调优前：胜率 %1%（%2 胜，%3 负，%4 平）</translation>
    </message>
    <message>
        <source>PPO against a reward model: train one first, or choose its run folder</source>
        <translation>PPO 需要奖励模型：请先训练一个，或选择其运行文件夹</translation>
    </message>
    <message>
        <source>PPO against %1, on the prompt set</source>
        <translation>在提示集上以 %1 为奖励做 PPO</translation>
    </message>
    <message>
        <source>%1&apos;s labels</source>
        <translation>%1 的标注</translation>
    </message>
    <message>
        <source>merged: %1</source>
        <translation>合并：%1</translation>
    </message>
    <message>
        <source>Start labelling first.</source>
        <translation>请先开始标注。</translation>
    </message>
    <message>
        <source>Choose the Chat Run These Pairs Are For</source>
        <translation>选择这些回答对所属的对话运行</translation>
    </message>
    <message>
        <source>Wrote %1; training it in the Training tab.</source>
        <translation>已写出 %1；正在“训练”标签页中训练。</translation>
    </message>
    <message>
        <source>Reward model trained (%1): Run PPO trains the policy against it.</source>
        <translation>奖励模型已训练（%1）：“运行 PPO”会以它为奖励训练策略。</translation>
    </message>
    <message>
        <source>%1 tuned (%2): Before/After compares it with the policy it started from.</source>
        <translation>%1 调优完成（%2）：“前后对比”会将它与起始策略比较。</translation>
    </message>
    <message>
        <source>No tuned run yet: run DPO or PPO first, or choose its folder.</source>
        <translation>还没有调优后的运行：请先运行 DPO 或 PPO，或选择其文件夹。</translation>
    </message>
    <message>
        <source>Show the next pair as soon as one is labelled; off: stay on it until →</source>
        <translation>标注后立即显示下一对；关闭时停留直到按 →</translation>
    </message>
    <message>
        <source>Chan&amp;ge...</source>
        <translation>更改(&amp;G)...</translation>
    </message>
    <message>
        <source>Train Re&amp;ward Model</source>
        <translation>训练奖励模型(&amp;W)</translation>
    </message>
    <message>
        <source>Run &amp;DPO</source>
        <translation>运行 DPO(&amp;D)</translation>
    </message>
    <message>
        <source>Run &amp;PPO</source>
        <translation>运行 PPO(&amp;P)</translation>
    </message>
    <message>
        <source>&amp;Before/After...</source>
        <translation>前后对比(&amp;B)...</translation>
    </message>
    <message>
        <source>A&amp;nnotators...</source>
        <translation>标注者(&amp;N)...</translation>
    </message>
    <message>
        <source>Both replies are the same: T (tie) or S (skip).</source>
        <translation>两个回答相同：按 T（平局）或 S（跳过）。</translation>
    </message>
</context>
<context>
    <name>cradle::RatingSetupForm</name>
    <message>
        <source>Generate two replies per prompt</source>
        <translation>为每个提示生成两个回答</translation>
    </message>
    <message>
        <source>Rate the pairs in a file</source>
        <translation>为文件中的回答对评分</translation>
    </message>
    <message>
        <source>Candidates:</source>
        <translation>候选：</translation>
    </message>
    <message>
        <source>prompts.jsonl, or a text file with one prompt per line</source>
        <translation>prompts.jsonl，或每行一个提示的文本文件</translation>
    </message>
    <message>
        <source>Prompts:</source>
        <translation>提示：</translation>
    </message>
    <message>
        <source>Policy run:</source>
        <translation>策略运行：</translation>
    </message>
    <message>
        <source>optional: a second run, one reply from each</source>
        <translation>可选：第二个运行，各出一个回答</translation>
    </message>
    <message>
        <source>Second run:</source>
        <translation>第二个运行：</translation>
    </message>
    <message>
        <source>preference pairs (JSONL)</source>
        <translation>偏好对 (JSONL)</translation>
    </message>
    <message>
        <source>Pairs file:</source>
        <translation>回答对文件：</translation>
    </message>
    <message>
        <source>Max tokens</source>
        <translation>最大词元数</translation>
    </message>
    <message>
        <source>Temperature</source>
        <translation>温度</translation>
    </message>
    <message>
        <source>all</source>
        <translation>全部</translation>
    </message>
    <message>
        <source>Top-k</source>
        <translation>Top-k</translation>
    </message>
    <message>
        <source>Top-p</source>
        <translation>Top-p</translation>
    </message>
    <message>
        <source>Seed</source>
        <translation>种子</translation>
    </message>
    <message>
        <source>Sampling:</source>
        <translation>采样：</translation>
    </message>
    <message>
        <source>your name: each annotator has their own file</source>
        <translation>你的名字：每位标注者有自己的文件</translation>
    </message>
    <message>
        <source>Start Labelling</source>
        <translation>开始标注</translation>
    </message>
    <message>
        <source>Annotator:</source>
        <translation>标注者：</translation>
    </message>
    <message>
        <source>Browse...</source>
        <translation>浏览...</translation>
    </message>
    <message>
        <source>Prompts and pairs (*.jsonl *.txt);;All files (*)</source>
        <translation>提示和回答对 (*.jsonl *.txt);;所有文件 (*)</translation>
    </message>
    <message>
        <source>a chat run folder (sft, dpo or ppo) or a Hugging Face model folder</source>
        <translation>对话运行文件夹（sft、dpo 或 ppo）或 Hugging Face 模型文件夹</translation>
    </message>
</context>
<context>
    <name>cradle::ReviewPage</name>
    <message>
        <source>Review</source>
        <translation>检查</translation>
    </message>
    <message>
        <source>The experiment file as it will be saved. Save it, or save it and start training.</source>
        <translation>实验文件保存后的样子。保存它，或保存并开始训练。</translation>
    </message>
    <message>
        <source>Save to:</source>
        <translation>保存到：</translation>
    </message>
    <message>
        <source>The experiment file. Relative data paths are read from its folder.</source>
        <translation>实验文件。相对数据路径从它所在的文件夹读取。</translation>
    </message>
    <message>
        <source>Browse...</source>
        <translation>浏览……</translation>
    </message>
    <message>
        <source>Save Experiment</source>
        <translation>保存实验</translation>
    </message>
    <message>
        <source>Experiment files (*.json)</source>
        <translation>实验文件 (*.json)</translation>
    </message>
    <message>
        <source>Valid: the core accepts this experiment.</source>
        <translation>有效：核心接受此实验。</translation>
    </message>
    <message>
        <source>Not valid yet: %1</source>
        <translation>尚未有效：%1</translation>
    </message>
</context>
<context>
    <name>cradle::RunList</name>
    <message>
        <source>Run</source>
        <translation>运行</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Test metric</source>
        <translation>测试指标</translation>
    </message>
    <message>
        <source>Epochs</source>
        <translation>轮数</translation>
    </message>
    <message>
        <source>Started (UTC)</source>
        <translation>开始时间 (UTC)</translation>
    </message>
    <message>
        <source>Show on the Dashboard</source>
        <translation>在仪表板上显示</translation>
    </message>
    <message>
        <source>Compare on the Dashboard</source>
        <translation>在仪表板上对比</translation>
    </message>
    <message>
        <source>Resume This Run</source>
        <translation>继续此次运行</translation>
    </message>
    <message>
        <source>Open an experiment to see its runs here.</source>
        <translation>打开一个实验，即可在此查看它的运行。</translation>
    </message>
    <message>
        <source>No runs of %1 yet: Train (Ctrl+T) puts each run here, with its status and test metric.</source>
        <translation>%1 还没有运行：训练（Ctrl+T）后，每次运行都会连同其状态和测试指标列在这里。</translation>
    </message>
</context>
<context>
    <name>cradle::SampleSnapshotsView</name>
    <message>
        <source>Samples: predictions on fixed validation samples appear at each validation.</source>
        <translation>样本：每次验证时显示模型对固定验证样本的预测。</translation>
    </message>
    <message>
        <source>true class: %1</source>
        <translation>真实类别：%1</translation>
    </message>
    <message>
        <source>Predictions at step %1 (epoch %2): %3 of %4 right</source>
        <translation>第 %1 步（第 %2 轮）的预测：%4 个中对了 %3 个</translation>
    </message>
    <message>
        <source>Step %1 (epoch %2)</source>
        <translation>第 %1 步（第 %2 轮）</translation>
    </message>
    <message>
        <source>Text generated from fixed prompts (bold) at each validation, newest first.</source>
        <translation>每次验证时从固定提示（粗体）生成的文本，最新的在最前。</translation>
    </message>
</context>
<context>
    <name>cradle::StepListEditor</name>
    <message>
        <source>Add</source>
        <translation>添加</translation>
    </message>
    <message>
        <source>Remove</source>
        <translation>删除</translation>
    </message>
    <message>
        <source>Up</source>
        <translation>上移</translation>
    </message>
    <message>
        <source>Down</source>
        <translation>下移</translation>
    </message>
</context>
<context>
    <name>cradle::SweepPage</name>
    <message>
        <source>Sweep</source>
        <translation>扫描</translation>
    </message>
    <message>
        <source>Optionally, try several settings: each trial is this experiment with the fields below changed, trained as a normal run and ranked by the metric. The sweep is saved beside the experiment.</source>
        <translation>可选：尝试多组设置。每次试验都是改动了下列字段的本实验，作为普通运行训练，并按指标排名。扫描文件保存在实验旁边。</translation>
    </message>
    <message>
        <source>Write a sweep over this experiment&apos;s settings</source>
        <translation>为本实验的设置编写超参数扫描</translation>
    </message>
    <message>
        <source>random draws</source>
        <translation>随机抽样</translation>
    </message>
    <message>
        <source>grid of listed values</source>
        <translation>列出值的网格</translation>
    </message>
    <message>
        <source>successive halving (weak trials stop early)</source>
        <translation>逐次减半（较弱的试验提前停止）</translation>
    </message>
    <message>
        <source>Random draws from the ranges; every combination of listed values; or random draws trained a few epochs, the best third going on with three times the epochs.</source>
        <translation>从范围中随机抽样；列出值的所有组合；或随机抽样先训练几个轮次，最好的三分之一以三倍轮次继续。</translation>
    </message>
    <message>
        <source>Method:</source>
        <translation>方法：</translation>
    </message>
    <message>
        <source>What ranks the trials: measured on the validation split.</source>
        <translation>用于给试验排名的指标：在验证集上测量。</translation>
    </message>
    <message>
        <source>Metric:</source>
        <translation>指标：</translation>
    </message>
    <message>
        <source>Configurations to train (grid: at most this many, 0 for all).</source>
        <translation>要训练的配置数（网格：最多这么多，0 表示全部）。</translation>
    </message>
    <message>
        <source>Trials:</source>
        <translation>试验数：</translation>
    </message>
    <message>
        <source>the experiment&apos;s</source>
        <translation>沿用实验的</translation>
    </message>
    <message>
        <source>Epochs each trial trains (fewer than the experiment&apos;s makes a sweep affordable).</source>
        <translation>每次试验训练的轮数（少于实验的轮数可使扫描更省时）。</translation>
    </message>
    <message>
        <source>Epochs per trial:</source>
        <translation>每次试验的轮数：</translation>
    </message>
    <message>
        <source>Trials trained at once by cradle-cli sweep, the cores divided between them.</source>
        <translation>cradle-cli sweep 同时训练的试验数，CPU 核心在它们之间分配。</translation>
    </message>
    <message>
        <source>Trials at once:</source>
        <translation>同时试验数：</translation>
    </message>
    <message>
        <source>no limit</source>
        <translation>不限</translation>
    </message>
    <message>
        <source>No trial starts after this many minutes.</source>
        <translation>超过这么多分钟后不再开始新的试验。</translation>
    </message>
    <message>
        <source>Time budget (minutes):</source>
        <translation>时间预算（分钟）：</translation>
    </message>
    <message>
        <source>Seed of the random draws: the same seed draws the same trials.</source>
        <translation>随机抽样的种子：相同的种子抽到相同的试验。</translation>
    </message>
    <message>
        <source>Seed:</source>
        <translation>种子：</translation>
    </message>
    <message>
        <source>Field</source>
        <translation>字段</translation>
    </message>
    <message>
        <source>Distribution</source>
        <translation>分布</translation>
    </message>
    <message>
        <source>From, to / values</source>
        <translation>起点, 终点 / 取值</translation>
    </message>
    <message>
        <source>Fields as cradle-cli --set names them. Ranges: &quot;from, to&quot;; values: a comma-separated list.</source>
        <translation>字段名与 cradle-cli --set 相同。范围：“起点, 终点”；取值：逗号分隔的列表。</translation>
    </message>
    <message>
        <source>Fields to vary:</source>
        <translation>要改变的字段：</translation>
    </message>
    <message>
        <source>Add Field</source>
        <translation>添加字段</translation>
    </message>
    <message>
        <source>Remove Field</source>
        <translation>删除字段</translation>
    </message>
    <message>
        <source>from, to</source>
        <translation>起点, 终点</translation>
    </message>
    <message>
        <source>the experiment itself is not valid yet (see the earlier pages)</source>
        <translation>实验本身尚无效（见前面的页面）</translation>
    </message>
    <message>
        <source>trial %1 (%2): %3</source>
        <translation>试验 %1（%2）：%3</translation>
    </message>
    <message>
        <source>No sweep: Save writes the experiment alone.</source>
        <translation>无扫描：保存只写入实验。</translation>
    </message>
    <message>
        <source>Valid: every trial&apos;s experiment is accepted. Save and Train runs the sweep in the Sweep tab; cradle-cli sweep runs it from a terminal.</source>
        <translation>有效：每次试验的实验都被接受。“保存并训练”会在“扫描”标签页中运行扫描；也可在终端用 cradle-cli sweep 运行。</translation>
    </message>
    <message>
        <source>Not valid yet: %1</source>
        <translation>尚无效：%1</translation>
    </message>
</context>
<context>
    <name>cradle::SweepPanel</name>
    <message>
        <source>Sweep file:</source>
        <translation>搜索文件：</translation>
    </message>
    <message>
        <source>A sweep file (JSON) naming an experiment and the fields to vary</source>
        <translation>一个指明实验及要变化字段的搜索文件（JSON）</translation>
    </message>
    <message>
        <source>Open…</source>
        <translation>打开……</translation>
    </message>
    <message>
        <source>Run Sweep</source>
        <translation>运行搜索</translation>
    </message>
    <message>
        <source>Curves on the Dashboard</source>
        <translation>在仪表板上显示曲线</translation>
    </message>
    <message>
        <source>Show every trial&apos;s curves together on the Training tab</source>
        <translation>在“训练”页上一起显示每个试验的曲线</translation>
    </message>
    <message>
        <source>Open a sweep file (for example projects/fashion-mnist/sweep.json).</source>
        <translation>打开一个搜索文件（例如 projects/fashion-mnist/sweep.json）。</translation>
    </message>
    <message>
        <source>Against:</source>
        <translation>横轴：</translation>
    </message>
    <message>
        <source>Open Sweep File</source>
        <translation>打开搜索文件</translation>
    </message>
    <message>
        <source>Sweep files (*.json)</source>
        <translation>搜索文件 (*.json)</translation>
    </message>
    <message>
        <source>%1: %2 over %3 field(s), %4 trial(s), judged on %5; trials go to %6</source>
        <translation>%1：对 %3 个字段进行 %2 搜索，%4 个试验，按 %5 评判；试验写入 %6</translation>
    </message>
    <message>
        <source>Stop</source>
        <translation>停止</translation>
    </message>
    <message>
        <source>Running %1…</source>
        <translation>正在运行 %1……</translation>
    </message>
    <message>
        <source>No trial gave a result.</source>
        <translation>没有试验得出结果。</translation>
    </message>
    <message>
        <source>%1 trial(s) ranked in %2 s; best: trial %3 (%4). Its experiment: %5</source>
        <translation>%2 秒内为 %1 个试验排名；最佳：试验 %3（%4）。其实验文件：%5</translation>
    </message>
    <message>
        <source>Trial</source>
        <translation>试验</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Epochs</source>
        <translation>轮数</translation>
    </message>
    <message>
        <source>Test</source>
        <translation>测试</translation>
    </message>
</context>
<context>
    <name>cradle::TaskDataPage</name>
    <message>
        <source>Task and data</source>
        <translation>任务与数据</translation>
    </message>
    <message>
        <source>What the model learns, from which data, and how the data is prepared.</source>
        <translation>模型学习什么、使用哪些数据，以及如何准备数据。</translation>
    </message>
    <message>
        <source>Experiment</source>
        <translation>实验</translation>
    </message>
    <message>
        <source>Name:</source>
        <translation>名称：</translation>
    </message>
    <message>
        <source>Names the experiment and its run folders: letters, digits, &apos;-&apos;, &apos;_&apos; and &apos;.&apos;.</source>
        <translation>用于命名实验及其运行文件夹：字母、数字、“-”、“_”和“.”。</translation>
    </message>
    <message>
        <source>Description:</source>
        <translation>描述：</translation>
    </message>
    <message>
        <source>A sentence for people browsing the projects.</source>
        <translation>一句话，供浏览项目的人阅读。</translation>
    </message>
    <message>
        <source>Task:</source>
        <translation>任务：</translation>
    </message>
    <message>
        <source>What the model learns. Changing it starts the data, model and training settings afresh.</source>
        <translation>模型学习的内容。更改它会重新开始数据、模型和训练设置。</translation>
    </message>
    <message>
        <source>Image classification</source>
        <translation>图像分类</translation>
    </message>
    <message>
        <source>Table classification</source>
        <translation>表格分类</translation>
    </message>
    <message>
        <source>Table regression</source>
        <translation>表格回归</translation>
    </message>
    <message>
        <source>Text classification</source>
        <translation>文本分类</translation>
    </message>
    <message>
        <source>Language model</source>
        <translation>语言模型</translation>
    </message>
    <message>
        <source>Source</source>
        <translation>数据来源</translation>
    </message>
    <message>
        <source>Source:</source>
        <translation>来源：</translation>
    </message>
    <message>
        <source>Where the samples come from.</source>
        <translation>样本来自哪里。</translation>
    </message>
    <message>
        <source>MNIST-format files (IDX)</source>
        <translation>MNIST 格式文件（IDX）</translation>
    </message>
    <message>
        <source>CIFAR-10 binary batches</source>
        <translation>CIFAR-10 二进制批次</translation>
    </message>
    <message>
        <source>Image folder (one sub-folder per class)</source>
        <translation>图像文件夹（每类一个子文件夹）</translation>
    </message>
    <message>
        <source>CSV table</source>
        <translation>CSV 表格</translation>
    </message>
    <message>
        <source>Text files</source>
        <translation>文本文件</translation>
    </message>
    <message>
        <source>JSON Lines records</source>
        <translation>JSON Lines 记录</translation>
    </message>
    <message>
        <source>Training images:</source>
        <translation>训练图像：</translation>
    </message>
    <message>
        <source>IDX file of training images (.gz or not).</source>
        <translation>训练图像的 IDX 文件（可为 .gz）。</translation>
    </message>
    <message>
        <source>Training labels:</source>
        <translation>训练标签：</translation>
    </message>
    <message>
        <source>IDX file of training labels.</source>
        <translation>训练标签的 IDX 文件。</translation>
    </message>
    <message>
        <source>Test images:</source>
        <translation>测试图像：</translation>
    </message>
    <message>
        <source>IDX file of test images.</source>
        <translation>测试图像的 IDX 文件。</translation>
    </message>
    <message>
        <source>Test labels:</source>
        <translation>测试标签：</translation>
    </message>
    <message>
        <source>IDX file of test labels.</source>
        <translation>测试标签的 IDX 文件。</translation>
    </message>
    <message>
        <source>Folder:</source>
        <translation>文件夹：</translation>
    </message>
    <message>
        <source>Test folder:</source>
        <translation>测试文件夹：</translation>
    </message>
    <message>
        <source>Optional: a folder laid out like the training one. Empty: a share of the training images is held out.</source>
        <translation>可选：与训练文件夹结构相同的文件夹。为空时：留出一部分训练图像用于测试。</translation>
    </message>
    <message>
        <source>Table:</source>
        <translation>表格：</translation>
    </message>
    <message>
        <source>CSV file with a header row.</source>
        <translation>带表头行的 CSV 文件。</translation>
    </message>
    <message>
        <source>Test table:</source>
        <translation>测试表格：</translation>
    </message>
    <message>
        <source>Optional: a CSV file with the same columns. Empty: a share of the rows is held out.</source>
        <translation>可选：列相同的 CSV 文件。为空时：留出一部分行用于测试。</translation>
    </message>
    <message>
        <source>Target column:</source>
        <translation>目标列：</translation>
    </message>
    <message>
        <source>The column the model predicts.</source>
        <translation>模型要预测的列。</translation>
    </message>
    <message>
        <source>Feature columns:</source>
        <translation>特征列：</translation>
    </message>
    <message>
        <source>Comma-separated. Empty: every column but the target.</source>
        <translation>以逗号分隔。为空时：除目标列外的所有列。</translation>
    </message>
    <message>
        <source>Categorical columns:</source>
        <translation>类别列：</translation>
    </message>
    <message>
        <source>Columns holding categories rather than numbers.</source>
        <translation>存放类别而非数值的列。</translation>
    </message>
    <message>
        <source>Categories as:</source>
        <translation>类别编码：</translation>
    </message>
    <message>
        <source>One-hot columns, or an index per column fed to a learned embedding (MLP only).</source>
        <translation>独热列，或每列一个索引输入可学习的嵌入（仅 MLP）。</translation>
    </message>
    <message>
        <source>one-hot</source>
        <translation>独热</translation>
    </message>
    <message>
        <source>embedding</source>
        <translation>嵌入</translation>
    </message>
    <message>
        <source>Missing values:</source>
        <translation>缺失值：</translation>
    </message>
    <message>
        <source>What to do with empty cells.</source>
        <translation>如何处理空单元格。</translation>
    </message>
    <message>
        <source>fill with the column mean</source>
        <translation>用列均值填充</translation>
    </message>
    <message>
        <source>fill with a constant</source>
        <translation>用常数填充</translation>
    </message>
    <message>
        <source>drop the row</source>
        <translation>删除该行</translation>
    </message>
    <message>
        <source>Fill value:</source>
        <translation>填充值：</translation>
    </message>
    <message>
        <source>The constant for empty cells.</source>
        <translation>空单元格使用的常数。</translation>
    </message>
    <message>
        <source>Scaling:</source>
        <translation>缩放：</translation>
    </message>
    <message>
        <source>Fitted on the training rows only.</source>
        <translation>仅在训练行上拟合。</translation>
    </message>
    <message>
        <source>standardise (mean 0, deviation 1)</source>
        <translation>标准化（均值 0，标准差 1）</translation>
    </message>
    <message>
        <source>min-max to [0, 1]</source>
        <translation>最小-最大缩放到 [0, 1]</translation>
    </message>
    <message>
        <source>none</source>
        <translation>无</translation>
    </message>
    <message>
        <source>Files or folders:</source>
        <translation>文件或文件夹：</translation>
    </message>
    <message>
        <source>One per line; folders are searched for matching files.</source>
        <translation>每行一个；会在文件夹中搜索匹配的文件。</translation>
    </message>
    <message>
        <source>Include:</source>
        <translation>包含：</translation>
    </message>
    <message>
        <source>File-name patterns taken from folders, such as *.txt.</source>
        <translation>从文件夹中选取的文件名模式，例如 *.txt。</translation>
    </message>
    <message>
        <source>Exclude:</source>
        <translation>排除：</translation>
    </message>
    <message>
        <source>File-name patterns left out of folders.</source>
        <translation>从文件夹中排除的文件名模式。</translation>
    </message>
    <message>
        <source>Records:</source>
        <translation>记录：</translation>
    </message>
    <message>
        <source>How text files are cut into records.</source>
        <translation>文本文件如何切分为记录。</translation>
    </message>
    <message>
        <source>one per file</source>
        <translation>每个文件一条</translation>
    </message>
    <message>
        <source>one per line</source>
        <translation>每行一条</translation>
    </message>
    <message>
        <source>one per paragraph</source>
        <translation>每段一条</translation>
    </message>
    <message>
        <source>split at a separator line</source>
        <translation>按分隔行切分</translation>
    </message>
    <message>
        <source>Separator line:</source>
        <translation>分隔行：</translation>
    </message>
    <message>
        <source>The line between records, such as %.</source>
        <translation>记录之间的行，例如 %。</translation>
    </message>
    <message>
        <source>Text field:</source>
        <translation>文本字段：</translation>
    </message>
    <message>
        <source>The JSON field holding each record&apos;s text.</source>
        <translation>存放每条记录文本的 JSON 字段。</translation>
    </message>
    <message>
        <source>Label field:</source>
        <translation>标签字段：</translation>
    </message>
    <message>
        <source>The JSON field holding each record&apos;s class.</source>
        <translation>存放每条记录类别的 JSON 字段。</translation>
    </message>
    <message>
        <source>Class from:</source>
        <translation>类别来自：</translation>
    </message>
    <message>
        <source>Where a text file&apos;s class comes from.</source>
        <translation>文本文件的类别从哪里来。</translation>
    </message>
    <message>
        <source>its sub-folder</source>
        <translation>所在子文件夹</translation>
    </message>
    <message>
        <source>its file name</source>
        <translation>文件名</translation>
    </message>
    <message>
        <source>Bad records:</source>
        <translation>错误记录：</translation>
    </message>
    <message>
        <source>Invalid UTF-8 or malformed lines: stop with a message, or leave them out.</source>
        <translation>无效 UTF-8 或格式错误的行：报错停止，或跳过它们。</translation>
    </message>
    <message>
        <source>stop</source>
        <translation>停止</translation>
    </message>
    <message>
        <source>skip</source>
        <translation>跳过</translation>
    </message>
    <message>
        <source>Image size:</source>
        <translation>图像大小：</translation>
    </message>
    <message>
        <source>Height, width the images are decoded to.</source>
        <translation>图像解码后的高度、宽度。</translation>
    </message>
    <message>
        <source>Channels:</source>
        <translation>通道数：</translation>
    </message>
    <message>
        <source>1 grayscale, 3 colour; 0 keeps the source&apos;s (IDX and CIFAR-10).</source>
        <translation>1 为灰度，3 为彩色；0 保持来源的通道（IDX 和 CIFAR-10）。</translation>
    </message>
    <message>
        <source>Resize:</source>
        <translation>缩放方式：</translation>
    </message>
    <message>
        <source>Stretch to the size, or pad to keep the aspect ratio.</source>
        <translation>拉伸到该大小，或填充以保持宽高比。</translation>
    </message>
    <message>
        <source>stretch</source>
        <translation>拉伸</translation>
    </message>
    <message>
        <source>pad</source>
        <translation>填充</translation>
    </message>
    <message>
        <source>Unreadable images:</source>
        <translation>无法读取的图像：</translation>
    </message>
    <message>
        <source>Stop with a message, or leave them out.</source>
        <translation>报错停止，或跳过它们。</translation>
    </message>
    <message>
        <source>Preprocessing</source>
        <translation>预处理</translation>
    </message>
    <message>
        <source>Cleaning steps:</source>
        <translation>清洗步骤：</translation>
    </message>
    <message>
        <source>Applied to every record in order: cleaning, normalisation, de-duplication, length filter.</source>
        <translation>按顺序应用于每条记录：清洗、规范化、去重、长度过滤。</translation>
    </message>
    <message>
        <source>Tokenizer:</source>
        <translation>分词器：</translation>
    </message>
    <message>
        <source>Characters, or sentencepiece subwords trained on the training split.</source>
        <translation>字符，或在训练集上训练的 sentencepiece 子词。</translation>
    </message>
    <message>
        <source>characters</source>
        <translation>字符</translation>
    </message>
    <message>
        <source>BPE (sentencepiece)</source>
        <translation>BPE（sentencepiece）</translation>
    </message>
    <message>
        <source>unigram (sentencepiece)</source>
        <translation>unigram（sentencepiece）</translation>
    </message>
    <message>
        <source>Vocabulary size:</source>
        <translation>词表大小：</translation>
    </message>
    <message>
        <source>Tokens the subword tokenizer learns (0 for characters).</source>
        <translation>子词分词器学习的词元数（字符分词器为 0）。</translation>
    </message>
    <message>
        <source>Character coverage:</source>
        <translation>字符覆盖率：</translation>
    </message>
    <message>
        <source>Share of characters the subword tokenizer must cover (1.0 for small alphabets, 0.9995 for Chinese).</source>
        <translation>子词分词器必须覆盖的字符比例（字母表较小时为 1.0，中文为 0.9995）。</translation>
    </message>
    <message>
        <source>Special tokens:</source>
        <translation>特殊词元：</translation>
    </message>
    <message>
        <source>Tokens kept whole, such as chat role markers.</source>
        <translation>保持完整的词元，例如对话角色标记。</translation>
    </message>
    <message>
        <source>Context length:</source>
        <translation>上下文长度：</translation>
    </message>
    <message>
        <source>Tokens per training sequence; for classification, texts are cut to this length.</source>
        <translation>每个训练序列的词元数；分类时文本会截断到此长度。</translation>
    </message>
    <message>
        <source>Centre crop:</source>
        <translation>中心裁剪：</translation>
    </message>
    <message>
        <source>Height, width cut from the centre after loading. Empty: none.</source>
        <translation>加载后从中心裁剪的高度、宽度。为空表示不裁剪。</translation>
    </message>
    <message>
        <source>Augmentation:</source>
        <translation>数据增强：</translation>
    </message>
    <message>
        <source>Random changes to training images, in order; p is the share of images changed.</source>
        <translation>按顺序对训练图像做随机变换；p 是被变换图像的比例。</translation>
    </message>
    <message>
        <source>Normalise automatically:</source>
        <translation>自动归一化：</translation>
    </message>
    <message>
        <source>Compute each channel&apos;s mean and deviation on the training split.</source>
        <translation>在训练集上计算每个通道的均值和标准差。</translation>
    </message>
    <message>
        <source>Mean:</source>
        <translation>均值：</translation>
    </message>
    <message>
        <source>Subtracted from pixels scaled to [0, 1]: one value, or one per channel.</source>
        <translation>从缩放到 [0, 1] 的像素中减去：一个值，或每个通道一个。</translation>
    </message>
    <message>
        <source>Deviation:</source>
        <translation>标准差：</translation>
    </message>
    <message>
        <source>Pixels are divided by it after the mean.</source>
        <translation>减去均值后像素除以它。</translation>
    </message>
    <message>
        <source>Splits</source>
        <translation>数据划分</translation>
    </message>
    <message>
        <source>Class names:</source>
        <translation>类别名称：</translation>
    </message>
    <message>
        <source>Comma-separated, in label order. Empty: the labels found.</source>
        <translation>以逗号分隔，按标签顺序。为空时：使用找到的标签。</translation>
    </message>
    <message>
        <source>Test share:</source>
        <translation>测试比例：</translation>
    </message>
    <message>
        <source>Share of the data held out for the final test.</source>
        <translation>留作最终测试的数据比例。</translation>
    </message>
    <message>
        <source>Validation share:</source>
        <translation>验证比例：</translation>
    </message>
    <message>
        <source>Share of the training data held out to watch overfitting (seeded).</source>
        <translation>留出用于观察过拟合的训练数据比例（按种子）。</translation>
    </message>
    <message>
        <source>Stratify:</source>
        <translation>分层：</translation>
    </message>
    <message>
        <source>Held-out splits keep each class&apos;s share.</source>
        <translation>留出的划分保持每个类别的比例。</translation>
    </message>
    <message>
        <source>Training samples:</source>
        <translation>训练样本数：</translation>
    </message>
    <message>
        <source>0: all; otherwise a seeded subset, for quick trials.</source>
        <translation>0：全部；否则为按种子选取的子集，便于快速试验。</translation>
    </message>
    <message>
        <source>Test samples:</source>
        <translation>测试样本数：</translation>
    </message>
    <message>
        <source>0: all; otherwise the first N.</source>
        <translation>0：全部；否则取前 N 个。</translation>
    </message>
    <message>
        <source>Token corpus (cradle-cli data tokenize)</source>
        <translation>词元语料（cradle-cli data tokenize）</translation>
    </message>
    <message>
        <source>CIFAR-10: the cifar-10-batches-bin folder. Image folder: one sub-folder of images per class. Token corpus: the folder cradle-cli data tokenize wrote (memory-mapped, never read whole).</source>
        <translation>CIFAR-10：cifar-10-batches-bin 文件夹。图像文件夹：每个类别一个图像子文件夹。词元语料：cradle-cli data tokenize 写出的文件夹（内存映射，从不整体读入）。</translation>
    </message>
    <message>
        <source>Chat fine-tuning (SFT) of a Hugging Face model or a run</source>
        <translation>对话微调（SFT）：Hugging Face 模型或运行</translation>
    </message>
    <message>
        <source>Dialogues (JSON Lines conversations)</source>
        <translation>对话（JSON Lines 会话）</translation>
    </message>
</context>
<context>
    <name>cradle::TrainingDashboard</name>
    <message>
        <source>Not training. Open an experiment and press Train (Ctrl+T), or open a run folder to watch it.</source>
        <translation>未在训练。打开一个实验并按“训练”（Ctrl+T），或打开一个运行文件夹进行观察。</translation>
    </message>
    <message>
        <source>Smoothing:</source>
        <translation>平滑：</translation>
    </message>
    <message>
        <source>Exponential moving average of the curves; the raw points stay, faint.</source>
        <translation>曲线的指数移动平均；原始点以浅色保留。</translation>
    </message>
    <message>
        <source>Log scale</source>
        <translation>对数坐标</translation>
    </message>
    <message>
        <source>Autoscale</source>
        <translation>自动缩放</translation>
    </message>
    <message>
        <source>Fit every chart to its data again (also a double click on a chart).</source>
        <translation>让每个图表重新适应其数据（也可双击图表）。</translation>
    </message>
    <message>
        <source>Drag to pan, wheel to zoom, click a legend entry to hide it, right-click to export.</source>
        <translation>拖动平移，滚轮缩放，点击图例项可隐藏，右键导出。</translation>
    </message>
    <message>
        <source>Loss</source>
        <translation>损失</translation>
    </message>
    <message>
        <source>step</source>
        <translation>步</translation>
    </message>
    <message>
        <source>loss</source>
        <translation>损失</translation>
    </message>
    <message>
        <source>Accuracy</source>
        <translation>准确率</translation>
    </message>
    <message>
        <source>accuracy</source>
        <translation>准确率</translation>
    </message>
    <message>
        <source>Learning rate</source>
        <translation>学习率</translation>
    </message>
    <message>
        <source>learning rate</source>
        <translation>学习率</translation>
    </message>
    <message>
        <source>Throughput</source>
        <translation>吞吐量</translation>
    </message>
    <message>
        <source>samples/s</source>
        <translation>样本/秒</translation>
    </message>
    <message>
        <source>Following %1</source>
        <translation>正在跟踪 %1</translation>
    </message>
    <message>
        <source>train</source>
        <translation>训练</translation>
    </message>
    <message>
        <source>validation</source>
        <translation>验证</translation>
    </message>
    <message>
        <source>Perplexity</source>
        <translation>困惑度</translation>
    </message>
    <message>
        <source>Mean absolute error</source>
        <translation>平均绝对误差</translation>
    </message>
    <message>
        <source>Step %1, %2 elapsed</source>
        <translation>第 %1 步，已用 %2</translation>
    </message>
    <message>
        <source>Epoch %1 of %2, step %3 of %4 · %5 elapsed · about %6 left · %7 samples/s</source>
        <translation>第 %1/%2 轮，第 %3/%4 步 · 已用 %5 · 约剩 %6 · 每秒 %7 个样本</translation>
    </message>
    <message>
        <source>no test figure</source>
        <translation>无测试指标</translation>
    </message>
    <message>
        <source>%1 was made by %2 from %3 without training, so it has no curves of its own; the dashed curves are those of %3. Test: %4. The Compress tab compares the two.</source>
        <translation>%1 由 %2 从 %3 生成，未经训练，因此没有自己的曲线；虚线是 %3 的曲线。测试：%4。“压缩”页对两者进行比较。</translation>
    </message>
    <message>
        <source>%1 was made by %2 without training, so it has no curves. Test: %3.</source>
        <translation>%1 由 %2 生成，未经训练，因此没有曲线。测试：%3。</translation>
    </message>
    <message>
        <source>step %1 of %2 · %3 of training</source>
        <translation>第 %1 / %2 步 · 已训练 %3</translation>
    </message>
    <message>
        <source>Paused after %1</source>
        <translation>已暂停于%1</translation>
    </message>
    <message>
        <source>Stopped at %1 (Run &gt; Resume Stopped Run continues it)</source>
        <translation>已停止于%1（“运行 &gt; 继续已停止的运行”可接着训练）</translation>
    </message>
    <message>
        <source>Failed at %1</source>
        <translation>失败于%1</translation>
    </message>
    <message>
        <source>Finished: %1</source>
        <translation>已完成：%1</translation>
    </message>
</context>
<context>
    <name>cradle::TrainingSession</name>
    <message>
        <source>training: %1 epochs of %2 steps, %3 samples, batch %4</source>
        <translation>训练：%1 轮，每轮 %2 步，%3 个样本，批大小 %4</translation>
    </message>
    <message>
        <source>epoch %1 %2: loss %3</source>
        <translation>第 %1 轮 %2：损失 %3</translation>
    </message>
    <message>
        <source>, mae %1</source>
        <translation>，MAE %1</translation>
    </message>
    <message>
        <source>, accuracy %1</source>
        <translation>，准确率 %1</translation>
    </message>
    <message>
        <source>checkpoint %1</source>
        <translation>检查点 %1</translation>
    </message>
    <message>
        <source>run folder %1: %2 model, %3 parameters, %4 threads on %5</source>
        <translation>运行文件夹 %1：%2 模型，%3 个参数，在 %5 上使用 %4 个线程</translation>
    </message>
    <message>
        <source>test mae %1 (%2 samples)</source>
        <translation>测试 MAE %1（%2 个样本）</translation>
    </message>
    <message>
        <source>test accuracy %1 (%2 samples)</source>
        <translation>测试准确率 %1（%2 个样本）</translation>
    </message>
    <message>
        <source>early stopping after epoch %1 (best epoch %2); </source>
        <translation>在第 %1 轮后提前停止（最佳为第 %2 轮）；</translation>
    </message>
    <message>
        <source>stopped after %1 steps; Run &gt; Resume Stopped Run continues it</source>
        <translation>在 %1 步后停止；可用“运行 &gt; 继续已停止的运行”继续</translation>
    </message>
    <message>
        <source>epoch %1 %2:%3</source>
        <translation>第 %1 轮 %2：%3</translation>
    </message>
    <message>
        <source>, preference accuracy %1, reward gap %2</source>
        <translation>，偏好准确率 %1，奖励差 %2</translation>
    </message>
    <message>
        <source>test:%1 (%2 prompts)</source>
        <translation>测试：%1（%2 个提示）</translation>
    </message>
    <message>
        <source>test preference accuracy %1, reward gap %2 (%3 pairs)</source>
        <translation>测试偏好准确率 %1，奖励差 %2（%3 对）</translation>
    </message>
    <message>
        <source>training: 1 epoch of %2 steps, %3 samples, batch %4</source>
        <translation>训练：1 轮，每轮 %2 步，%3 个样本，批大小 %4</translation>
    </message>
</context>
</TS>
