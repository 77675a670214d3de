<?xml version='1.0' encoding='utf-8'?>
<TS version="2.1" language="zh_CN">
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
        <source>CNN, conv channels %1, dense %2</source>
        <translation>CNN，卷积通道 %1，全连接层 %2</translation>
    </message>
    <message>
        <source>MLP, hidden %1</source>
        <translation>MLP，隐藏层 %1</translation>
    </message>
    <message>
        <source>LeNet-5</source>
        <translation>LeNet-5</translation>
    </message>
    <message>
        <source>ResNet, widths %1, blocks %2</source>
        <translation>ResNet，宽度 %1，残差块 %2</translation>
    </message>
    <message>
        <source>%1, %2 layers, hidden size %3%4</source>
        <translation>%1，%2 层，隐藏状态 %3%4</translation>
    </message>
    <message>
        <source>, bidirectional</source>
        <translation>，双向</translation>
    </message>
    <message>
        <source>%1, %2 blocks, width %3, %4 heads</source>
        <translation>%1，%2 个模块，宽度 %3，%4 个注意力头</translation>
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
        <source>Train it from a terminal:
cradle-cli train %1</source>
        <translation>在终端中训练：
cradle-cli train %1</translation>
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
</context>
</TS>